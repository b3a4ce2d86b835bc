/**
 * multiHeadAttention and the attention ops: central-difference gradient checks of the ops (attentionScores,
 * attentionContext, maskedSoftmax with a mask and causal) and of the layer (query, value and key different, a mask,
 * keyDim * numHeads != the model width, valueDim and outputShape set), on every backend that loads; bad input
 * (typed errors naming the layer), Keras's acceptance of any keyDim, and the config round trip.
 */
import * as my from '../../lib/index';
import { availableBackends } from '../helpers/backends';
import { checkGradients, randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

const values = (shape: number[], seed: number, lo = -1, hi = 1) => ({ shape, values: randomValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi) });
const MASK = my.tensor(Float32Array.from(randomValues(2 * 3 * 4, 77, 0, 1), (u, i) => (i % 4 === 1 || u > 0.4 ? 1 : 0)), [2, 3, 4]);

describe.each(availableBackends())('attention on $label', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));

  test('attentionScores: gradients of q and k by central differences', () => {
    checkGradients((q, k) => my.attentionScores(q, k, 2, 0.7), [values([2, 3, 6], 1), values([2, 4, 6], 2)]);
  });

  test('attentionContext: gradients of probs and v by central differences', () => {
    checkGradients((p, v) => my.attentionContext(p, v, 2), [values([2, 2, 3, 4], 3, 0, 1), values([2, 4, 6], 4)]);
  });

  test.each([[false, false], [true, false], [false, true], [true, true]])('maskedSoftmax (mask %s, causal %s): gradient by central differences', (masked, causal) => {
    const mask = my.tensor(MASK.dataSync(), [2, 3, 4]);
    checkGradients((s) => my.mul(my.maskedSoftmax(s, masked ? mask : null, causal), my.tensor(randomValues(48, 9), [2, 2, 3, 4])), [values([2, 2, 3, 4], 5, -2, 2)]);
  });

  test('multiHeadAttention: gradients of the input and all eight weights (value and key projections of other inputs)', () => {
    my.setSeed(1);
    const layer = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, outputShape: 5, biasInitializer: 'glorotUniform' });
    const value = my.tensor(randomValues(2 * 4 * 4, 11), [2, 4, 4]);
    const key = my.tensor(randomValues(2 * 4 * 3, 12), [2, 4, 3]);
    const mask = my.tensor(MASK.dataSync(), [2, 3, 4]);
    checkLayerGradients((l, x) => (l as my.layers.MultiHeadAttention).apply([x, value, key], { attentionMask: mask }), layer,
      my.tensor(randomValues(2 * 3 * 6, 10), [2, 3, 6]));
  });

  test('multiHeadAttention: self-attention with the causal mask, gradients through query = value = key', () => {
    my.setSeed(2);
    const layer = my.layers.multiHeadAttention({ numHeads: 3, keyDim: 2, biasInitializer: 'glorotUniform' });
    checkLayerGradients((l, x) => (l as my.layers.MultiHeadAttention).apply([x, x], { useCausalMask: true }), layer,
      my.tensor(randomValues(2 * 4 * 5, 20), [2, 4, 5]));
  });
});

describe('multiHeadAttention: bad input and Keras behaviour', () => {
  beforeAll(() => my.setBackend('reference'));
  const x = () => my.randomNormal([2, 5, 8], { seed: 1 });

  test('keyDim need not divide the width (Keras): keyDim 3 with 2 heads on width 8 gives [2, 5, 8]', () => {
    const layer = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 3 });
    expect(layer.apply([x(), x()]).shape).toEqual([2, 5, 8]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[8, 2, 3], [2, 3], [8, 2, 3], [2, 3], [8, 2, 3], [2, 3], [2, 3, 8], [8]]);
  });

  test('bad options are ValueErrors naming multiHeadAttention', () => {
    for (const bad of [{ numHeads: 0, keyDim: 4 }, { numHeads: 2, keyDim: 2.5 }, { numHeads: 2 }, { numHeads: 2, keyDim: 4, dropout: 1 },
      { numHeads: 2, keyDim: 4, attentionAxes: [2] }, { numHeads: 2, keyDim: 4, outputShape: -1 }]) {
      expect(() => my.layers.multiHeadAttention(bad as never)).toThrow(my.ValueError);
      expect(() => my.layers.multiHeadAttention(bad as never)).toThrow(/multiHeadAttention: /);
    }
  });

  test('a mask of the wrong shape is a ShapeError naming the layer and the expected shape', () => {
    const layer = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, name: 'att' });
    expect(() => layer.apply([x(), x()], { attentionMask: my.ones([2, 5, 4]) })).toThrow(my.ShapeError);
    expect(() => layer.apply([x(), x()], { attentionMask: my.ones([2, 5, 4]) })).toThrow(/att: attentionMask must have shape \[batch, 5, 5\].*got \[2, 5, 4\]/);
    const q = my.input({ shape: [5, 8] });
    const m = my.input({ shape: [5, 3] });
    expect(() => my.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, name: 'sym' }).apply([q, q], { attentionMask: m })).toThrow(/sym: attentionMask must have shape \[batch, 5, 5\]/);
  });

  test('sequence length 0, a rank-2 input and a key of other length are ShapeErrors naming the layer', () => {
    const layer = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, name: 'att0' });
    expect(() => layer.apply([my.zeros([2, 0, 8]), x()])).toThrow(/att0: query has sequence length 0/);
    expect(() => layer.apply([x(), my.zeros([2, 0, 8])])).toThrow(my.ShapeError);
    expect(() => layer.apply([my.zeros([2, 8]), x()])).toThrow(/att0: inputs\[0\] must have rank 3/);
    expect(() => layer.apply([x(), x(), my.zeros([2, 4, 8])])).toThrow(/att0: key must have the value's 5 steps/);
    expect(() => layer.apply([x()] as never)).toThrow(my.ValueError);
    // The layer is still usable after the errors.
    expect(layer.apply([x(), x()]).shape).toEqual([2, 5, 8]);
    expect(() => layer.apply([my.randomNormal([2, 5, 6]), x()])).toThrow(/att0: built for query, value and key features \[8, 8, 8\], got \[6, 8, 8\]/);
  });

  test('a fully masked query row gets zero weights; masked steps get weight 0 exactly', () => {
    const layer = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 4 });
    const mask = my.ones([2, 5, 5]).dataSync().slice();
    mask.fill(0, 0, 5);       // batch 0, query 0: nothing
    mask[5 + 3] = 0;          // batch 0, query 1: not key 3
    const [, w] = layer.applyWithScores([x(), x()], { attentionMask: my.tensor(mask, [2, 5, 5]), returnAttentionScores: true });
    const weights = w.dataSync();
    expect(w.shape).toEqual([2, 2, 5, 5]);
    for (let s = 0; s < 5; s++) expect(weights[s]).toBe(0);
    expect(weights[5 + 3]).toBe(0);
    expect(weights[25 + 5 + 3]).toBe(0);  // head 1, same query
  });

  test('save and load: a functional model with attention predicts the same', async () => {
    const inp = my.input({ shape: [5, 8] });
    const out = my.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0.1, useCausalMask: true }).apply([inp, inp]);
    const model = my.model({ inputs: inp, outputs: out });
    const dir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'mha-'));
    await model.save(dir);
    const again = await my.loadModel<my.Model>(dir);
    const a = (model.predict(x()) as my.Tensor).dataSync();
    const b = (again.predict(x()) as my.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
