/**
 * ONNX export of the sequence layers (MultiHeadAttention, PositionEmbedding, TimeDistributed), each in a small
 * functional model with random weights, run by onnxruntime-node and compared with myelin's predictions to 1e-5
 * (relative to 1 + |value|); and the refusal of masked inputs (masks are not exported).
 */
import * as my from '../../../lib/index';
import { onnxVsMyelin, randomizeWeights, stopOnnxWorker, uniform, type Array32 } from './run-onnx';

const TOL = 1e-5;
const BATCH = 3;
const L = my.layers;

afterAll(stopOnnxWorker);

/** Randomizes the weights of the model on `inputs` -> `outputs`, compares its export with onnxruntime on `feeds`. */
async function check(inputs: my.SymbolicTensor[], outputs: my.SymbolicTensor | my.SymbolicTensor[], feeds: Array32[]): Promise<number> {
  const model = my.model({ inputs, outputs });
  randomizeWeights(model, 31);
  const diff = await onnxVsMyelin(model, feeds);
  model.dispose();
  return diff;
}

/** A [B, T, S] 0/1 mask whose first query step of sample 1 allows no key step at all (its weights are all 0). */
function randomMask(T: number, S: number, seed: number): Array32 {
  const m = uniform([BATCH, T, S], seed, 0, 1);
  m.data.forEach((v, i) => { m.data[i] = v < 0.6 ? 1 : 0; });
  m.data.fill(0, T * S, T * S + S);
  return m;
}

describe('ONNX export: multiHeadAttention matches onnxruntime', () => {
  test.each([
    ['self-attention, 2 heads', { numHeads: 2, keyDim: 3 }],
    ['one head, no biases, valueDim 5, outputShape 4', { numHeads: 1, keyDim: 4, valueDim: 5, useBias: false, outputShape: 4 }],
    ['3 heads, causal mask', { numHeads: 3, keyDim: 2, useCausalMask: true }],
  ] as const)('%s', async (_name, args) => {
    const x = my.input({ shape: [5, 6], name: 'x' });
    const y = L.multiHeadAttention({ ...args }).apply([x, x]);
    expect(await check([x], y, [uniform([BATCH, 5, 6], 1, -2, 2)])).toBeLessThan(TOL);
  });

  test('cross-attention with a separate key (T 4, S 6)', async () => {
    const [q, v, k] = [my.input({ shape: [4, 5], name: 'q' }), my.input({ shape: [6, 3], name: 'v' }), my.input({ shape: [6, 2], name: 'k' })];
    const y = L.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([q, v, k]);
    expect(await check([q, v, k], y, [uniform([BATCH, 4, 5], 2), uniform([BATCH, 6, 3], 3), uniform([BATCH, 6, 2], 4)])).toBeLessThan(TOL);
  });

  test('an attention mask input, one query step fully masked', async () => {
    const [q, v, m] = [my.input({ shape: [4, 5], name: 'q' }), my.input({ shape: [6, 3], name: 'v' }), my.input({ shape: [4, 6], name: 'mask' })];
    const y = L.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([q, v], { attentionMask: m });
    expect(await check([q, v, m], y, [uniform([BATCH, 4, 5], 5), uniform([BATCH, 6, 3], 6), randomMask(4, 6, 7)])).toBeLessThan(TOL);
  });

  test('an attention mask and the causal mask together, attention weights as a second output', async () => {
    const [x, m] = [my.input({ shape: [5, 4], name: 'x' }), my.input({ shape: [5, 5], name: 'mask' })];
    const outs = L.multiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true, returnAttentionScores: true }).applyWithScores([x, x, x], { attentionMask: m });
    expect(outs).toHaveLength(2);
    expect(await check([x, m], outs, [uniform([BATCH, 5, 4], 8), randomMask(5, 5, 9)])).toBeLessThan(TOL);
  });

  test('a transformer block: positions added to token embeddings, attention, layer norm, feed-forward', async () => {
    const ids = my.input({ shape: [6], name: 'ids' });
    const tokens = L.embedding({ inputDim: 20, outputDim: 8 }).apply(ids);
    const h = L.add().apply([tokens, L.positionEmbedding({ sequenceLength: 10 }).apply(tokens)]);
    const attended = L.layerNormalization().apply(L.add().apply([h, L.multiHeadAttention({ numHeads: 2, keyDim: 4, useCausalMask: true }).apply([h, h])]));
    const ff = L.dense({ units: 8 }).apply(L.dense({ units: 16, activation: 'gelu' }).apply(attended));
    const out = L.dense({ units: 3, activation: 'softmax' }).apply(L.globalAveragePooling1d().apply(L.add().apply([attended, ff])));
    const feed = uniform([BATCH, 6], 10, 0, 20);
    feed.data.forEach((v, i) => { feed.data[i] = Math.floor(v); });
    expect(await check([ids], out, [feed])).toBeLessThan(TOL);
  });
});

describe('ONNX export: positionEmbedding and timeDistributed match onnxruntime', () => {
  test.each([
    ['positionEmbedding, T = sequenceLength', 7, [7, 3]],
    ['positionEmbedding, T < sequenceLength, rank 4', 9, [5, 2, 3]],
  ] as const)('%s', async (_name, sequenceLength, shape) => {
    const x = my.input({ shape: shape.slice(), name: 'x' });
    const y = L.add().apply([x, L.positionEmbedding({ sequenceLength }).apply(x)]);
    expect(await check([x], y, [uniform([BATCH, ...shape], 11, -2, 2)])).toBeLessThan(TOL);
  });

  test.each([
    ['timeDistributed(dense, relu)', () => L.dense({ units: 4, activation: 'relu' }), [5, 3]],
    ['timeDistributed(conv2d, same) over frames', () => L.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }), [3, 4, 5, 2]],
    ['timeDistributed(flatten)', () => L.flatten(), [4, 3, 2]],
    ['timeDistributed(maxPooling1d)', () => L.maxPooling1d({ poolSize: 2 }), [3, 6, 2]],
    ['timeDistributed(batchNormalization)', () => L.batchNormalization(), [4, 3]],
  ] as const)('%s', async (_name, make, shape) => {
    const x = my.input({ shape: shape.slice(), name: 'x' });
    const y = L.timeDistributed({ layer: make() }).apply(x);
    expect(await check([x], y, [uniform([BATCH, ...shape], 12, -2, 2)])).toBeLessThan(TOL);
  });

  test('two wrappers in one graph: timeDistributed(dense, tanh) then timeDistributed(dense)', async () => {
    const x = my.input({ shape: [4, 3], name: 'x' });
    const h = L.timeDistributed({ layer: L.dense({ units: 5, activation: 'tanh' }) }).apply(x);
    const y = L.timeDistributed({ layer: L.dense({ units: 2 }) }).apply(h);
    expect(await check([x], y, [uniform([BATCH, 4, 3], 13, -2, 2)])).toBeLessThan(TOL);
  });
});

describe('ONNX export: masks are refused', () => {
  test('an embedding with maskZero: ModelFormatError naming the layer and the reason', () => {
    const model = my.sequential([L.embedding({ inputDim: 10, outputDim: 3, maskZero: true, name: 'tokens' }), L.globalAveragePooling1d()]);
    model.build([5]);
    expect(() => my.io.toOnnx(model)).toThrow(my.ModelFormatError);
    expect(() => my.io.toOnnx(model)).toThrow(/layer tokens \(Embedding\) has maskZero: true, and masks are not exported to ONNX/);
    model.dispose();
  });

  test('the same embedding without maskZero exports', async () => {
    const model = my.sequential([L.embedding({ inputDim: 10, outputDim: 3, name: 'tokens' }), L.globalAveragePooling1d()]);
    model.build([5]);
    randomizeWeights(model, 3);
    const ids = { data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 3, 0, 0]), shape: [3, 5] };
    expect(await onnxVsMyelin(model, [ids])).toBeLessThan(TOL);
    model.dispose();
  });
});
