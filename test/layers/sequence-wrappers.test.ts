/**
 * timeDistributed and positionEmbedding: timeDistributed(dense) against a loop of the same dense layer over the
 * steps, its gradients by central differences, and with a conv-free stack (dense + dropout in eval); positionEmbedding
 * returns the table's rows broadcast over the batch, its gradient by central differences; bad input (typed errors
 * naming the layer) and the config round trip in a saved functional model.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

describe.each(availableBackends())('sequence wrappers on $label', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));

  test('timeDistributed(dense) equals the dense layer applied to each step alone', () => {
    my.setSeed(4);
    const inner = my.layers.dense({ units: 3, activation: 'tanh' });
    const td = my.layers.timeDistributed({ layer: inner });
    const x = my.tensor(randomValues(2 * 4 * 5, 1), [2, 4, 5]);
    const y = td.apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(td.weights).toEqual(inner.weights);
    const got = y.dataSync();
    for (let t = 0; t < 4; t++) {
      const step = inner.apply(my.reshape(my.slice(x, [0, t, 0], [2, 1, 5]), [2, 5])).dataSync();
      for (let b = 0; b < 2; b++) for (let j = 0; j < 3; j++) expect(got[(b * 4 + t) * 3 + j]).toBe(step[b * 3 + j]);
    }
  });

  test('timeDistributed(dense): gradients of the input, kernel and bias by central differences', () => {
    my.setSeed(5);
    const td = my.layers.timeDistributed({ layer: my.layers.dense({ units: 3, activation: 'sigmoid', biasInitializer: 'glorotUniform' }) });
    checkLayerGradients((l, x) => l.apply(x), td, my.tensor(randomValues(2 * 3 * 4, 2), [2, 3, 4]));
  });

  test('positionEmbedding returns the first T rows of its table for every sample', () => {
    my.setSeed(6);
    const pe = my.layers.positionEmbedding({ sequenceLength: 6 });
    const y = pe.apply(my.zeros([3, 4, 2]));
    expect(pe.embeddings!.shape).toEqual([6, 2]);
    const table = pe.embeddings!.dataSync();
    const got = y.dataSync();
    for (let b = 0; b < 3; b++) for (let i = 0; i < 8; i++) expect(got[b * 8 + i]).toBe(table[i]);
  });

  test('positionEmbedding: gradient of the table by central differences (full and partial length)', () => {
    my.setSeed(7);
    checkLayerGradients((l, x) => my.mul(l.apply(x), x), my.layers.positionEmbedding({ sequenceLength: 3 }), my.tensor(randomValues(2 * 3 * 2, 3), [2, 3, 2]));
    // T = 3 of a 5-row table: rows 3 and 4 get a zero gradient.
    checkLayerGradients((l, x) => my.mul(l.apply(x), x), my.layers.positionEmbedding({ sequenceLength: 5 }), my.tensor(randomValues(2 * 3 * 2, 4), [2, 3, 2]));
  });
});

describe('sequence wrappers: bad input and save / load', () => {
  beforeAll(() => my.setBackend('reference'));

  test('bad options and inputs are typed errors naming the layer', () => {
    expect(() => my.layers.timeDistributed({ layer: 3 } as never)).toThrow(/timeDistributed: layer must be a Layer/);
    expect(() => my.layers.positionEmbedding({ sequenceLength: 0 })).toThrow(my.ValueError);
    const td = my.layers.timeDistributed({ layer: my.layers.dense({ units: 2 }), name: 'td' });
    expect(() => td.apply(my.zeros([2, 3]))).toThrow(/td: input must be \[batch, time, \.\.\.features\]/);
    expect(() => td.apply(my.zeros([2, 0, 3]))).toThrow(/td: sequence length 0/);
    const pe = my.layers.positionEmbedding({ sequenceLength: 4, name: 'pos' });
    expect(() => pe.apply(my.zeros([2, 5, 3]))).toThrow(/pos: sequence length 5 is longer than sequenceLength 4/);
    expect(() => pe.apply(my.zeros([2, 0, 3]))).toThrow(my.ShapeError);
  });

  test('a functional model with both layers saves, loads and predicts the same', async () => {
    const x = my.input({ shape: [4, 3] });
    const h = my.layers.timeDistributed({ layer: my.layers.dense({ units: 5, activation: 'relu' }) }).apply(x);
    const out = my.layers.add().apply([h, my.layers.positionEmbedding({ sequenceLength: 6 }).apply(h)]);
    const model = my.model({ inputs: x, outputs: out });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqwrap-'));
    await model.save(dir);
    const again = await my.loadModel<my.Model>(dir);
    const data = my.tensor(randomValues(2 * 4 * 3, 9), [2, 4, 3]);
    expect(Array.from((again.predict(data) as my.Tensor).dataSync())).toEqual(Array.from((model.predict(data) as my.Tensor).dataSync()));
    expect(again.weights.map((w) => w.shape)).toEqual([[3, 5], [5], [6, 5]]);
  });
});
