/**
 * Behaviour of the embedding, normalization and shape layers of issue 15: bad options and bad ids as typed errors
 * naming the layer, the mask of maskZero, batch normalization's moving statistics and frozen (inference) mode,
 * getConfig / save / load round trips, and an embedding model that trains on the compiled fast path.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { availableBackends } from '../helpers/backends';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-embed-norm-'));
const flat = (ts: my.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync()));

/** n samples of 4 ids in [0, vocab) and the label: whether id 1 appears among them. */
function bagData(n: number, vocab: number, seed: number): { x: my.Tensor; y: my.Tensor } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ids = new Float32Array(n * 4);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) ids[i * 4 + j] = Math.floor(rand() * vocab);
    labels[i] = ids.subarray(i * 4, i * 4 + 4).includes(1) ? 1 : 0;
  }
  return { x: my.tensor(ids, [n, 4]), y: my.tensor(labels, [n, 1]) };
}

function bagModel(vocab: number): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: vocab, outputDim: 8, inputLength: 4 }),
    my.layers.flatten(),
    my.layers.dense({ units: 8, activation: 'relu' }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
}

// Every backend that loads but the cpu's built-in GEMM variant (the layers do not use GEMM differently there).
const CASES = availableBackends().filter((c) => c.label !== 'cpu-builtin-gemm');

describe.each(CASES)('embedding / normalization / shape layers ($label)', ({ name: backend, options }) => {
  beforeAll(() => my.setBackend(backend, options));
  afterAll(() => my.setBackend('reference'));

  test('embedding: bad options and bad ids are ValueErrors naming the layer', () => {
    expect(() => my.layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(my.ValueError);
    expect(() => my.layers.embedding({ inputDim: 3, outputDim: 2.5 })).toThrow(/outputDim must be an integer >= 1, got 2.5/);
    const layer = my.layers.embedding({ inputDim: 5, outputDim: 2, name: 'city' });
    for (const bad of [5, -1, 1.5, NaN]) {
      const x = my.tensor([[0, bad]]);
      expect(() => layer.apply(x)).toThrow(my.ValueError);
      expect(() => layer.apply(x)).toThrow(/city: ids must be integers in \[0, 4\]/);
      x.dispose();
    }
    const ok = my.tensor([[4, 0], [1, 1]]);
    expect(layer.apply(ok).shape).toEqual([2, 2, 2]);
    layer.dispose();
  });

  test('fit, evaluate and predict check ids when the data is given, and the model stays usable', async () => {
    const model = bagModel(10);
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = bagData(32, 10, 1);
    const bad = my.tensor(Float32Array.from({ length: 128 }, (_, i) => (i === 77 ? 10 : i % 10)), [32, 4]);
    await expect(model.fit(bad, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/fit: embedding(_\d+)?: ids must be integers in \[0, 9\].*got 10 at flat position 77/);
    expect(() => model.predict(bad)).toThrow(my.ValueError);
    expect(() => model.evaluate(bad, y)).toThrow(/ids must be integers/);
    const h = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0])).toBe(true);
    model.dispose();
  });

  test('maskZero: computeMask is 1 where the id is not 0; null without maskZero', () => {
    const masked = my.layers.embedding({ inputDim: 4, outputDim: 2, maskZero: true });
    const x = my.tensor([[0, 3, 0], [2, 0, 1]]);
    expect(Array.from((masked.computeMask(x) as my.Tensor).dataSync())).toEqual([0, 1, 0, 1, 0, 1]);
    expect(my.layers.embedding({ inputDim: 4, outputDim: 2 }).computeMask(x)).toBeNull();
  });

  test('a Sequential model with an embedding trains on the compiled fast path and learns', async () => {
    my.setSeed(3);
    const model = bagModel(12);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
    const { x, y } = bagData(512, 12, 7);
    const first = model.evaluate(x, y) as number;
    const h = await model.fit(x, y, { epochs: 15, batchSize: 64, verbose: 0 });
    // The recorded step is compiled (a native program on cpu, a CUDA graph on cuda); the reference replays it.
    if (backend === 'reference') expect(h.params.strategy).toBe('replay');
    else expect(['native-epochs', 'native-steps', 'compiled-replay']).toContain(h.params.strategy);
    if (backend === 'cpu') expect(h.params.strategy).toBe('native-epochs');
    const last = model.evaluate(x, y) as number;
    expect(last).toBeLessThan(first * 0.5);
    model.dispose();
  });

  test('batchNormalization on axis 1: moving statistics follow momentum 0.99; a frozen layer runs in inference mode', () => {
    const bn = my.layers.batchNormalization({ axis: 1 });
    const x = my.tensor([[[1, 2], [10, 20]], [[3, 4], [30, 40]]]);  // [2, 2, 2]: channel 0 = {1,2,3,4}, channel 1 = {10,20,30,40}
    bn.apply(x, true);
    const mm = Array.from((bn.movingMean as my.Variable).dataSync());
    expect(mm[0]).toBeCloseTo(0.01 * 2.5, 6);
    expect(mm[1]).toBeCloseTo(0.01 * 25, 5);
    const mv = Array.from((bn.movingVariance as my.Variable).dataSync());
    expect(mv[0]).toBeCloseTo(0.99 + 0.01 * 1.25, 6);
    expect(bn.nonTrainableWeights.map((w) => w.name)).toEqual([`${bn.name}/moving_mean`, `${bn.name}/moving_variance`]);
    bn.trainable = false;
    const before = flat(bn.getWeights());
    const yFrozen = bn.apply(x, true).dataSync();
    const yInference = bn.apply(x, false).dataSync();
    expect(Array.from(yFrozen)).toEqual(Array.from(yInference));
    expect(flat(bn.getWeights())).toEqual(before);
    expect(bn.trainableWeights).toEqual([]);
    expect(() => my.layers.batchNormalization({ axis: 3 }).apply(x)).toThrow(/axis 3 is not a feature axis of inputs of rank 3/);
  });

  test('reshape and permute: shapes, one -1, typed errors naming the layer', () => {
    const x = my.tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expect(my.layers.reshape({ targetShape: [-1, 2] }).apply(x).shape).toEqual([2, 6, 2]);
    expect(() => my.layers.reshape({ targetShape: [-1, -1] })).toThrow(/one -1 only/);
    expect(() => my.layers.reshape({ targetShape: [5], name: 'r5' }).apply(x)).toThrow(/r5: cannot reshape samples of shape \[3, 4\] \(12 values\) to \[5\]/);
    const p = my.layers.permute({ dims: [2, 1] }).apply(x);
    expect(p.shape).toEqual([2, 4, 3]);
    expect(Array.from(p.dataSync().subarray(0, 3))).toEqual([0, 4, 8]);
    expect(() => my.layers.permute({ dims: [0, 1] })).toThrow(/dims must be a permutation of 1..n/);
    expect(() => my.layers.permute({ dims: [1, 2, 3], name: 'p3' }).apply(x)).toThrow(my.ShapeError);
    expect(() => my.layers.layerNormalization({ axis: 0 })).toThrow(/axis 0 is the batch axis/);
    expect(() => my.layers.layerNormalization({ axis: 3 }).apply(x)).toThrow(/axis 3 is not a feature axis of inputs of rank 3/);
  });

  test('getConfig / save / load round trip of every new layer, with identical predictions', () => {
    my.setSeed(11);
    const model = my.sequential([
      my.layers.embedding({ inputDim: 7, outputDim: 6, inputLength: 4, maskZero: true, embeddingsRegularizer: my.regularizers.l2({ l2: 1e-3 }) }),
      my.layers.layerNormalization({ axis: -1, epsilon: 1e-5 }),
      my.layers.permute({ dims: [2, 1] }),
      my.layers.batchNormalization({ axis: 1, momentum: 0.9 }),
      my.layers.reshape({ targetShape: [-1] }),
      my.layers.dense({ units: 2 }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = my.tensor([[1, 2, 3, 0], [6, 5, 4, 1]]);
    const dir = tmpDir();
    model.save(dir);
    const loaded = my.loadModel(dir);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    expect(Array.from(loaded.predict(x).dataSync())).toEqual(Array.from(model.predict(x).dataSync()));
    const cfg = model.getConfig().layers;
    expect(cfg.map((l) => l.className)).toEqual(['Embedding', 'LayerNormalization', 'Permute', 'BatchNormalization', 'Reshape', 'Dense']);
    expect(cfg[0].config).toMatchObject({ inputDim: 7, outputDim: 6, maskZero: true, inputLength: 4 });
    expect(cfg[3].config).toMatchObject({ axis: 1, momentum: 0.9, epsilon: 1e-3 });
  });
});
