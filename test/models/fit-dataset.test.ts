/**
 * fit / evaluate / predict on a my.data.Dataset, checked against the same calls on arrays (the array path is the
 * reference), and the bad input of issue 17: a generator that throws mid-epoch, NaN, ragged or wrongly shaped
 * batches, a dataset that ends before stepsPerEpoch * epochs batches.
 */
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import type { Tensor } from '../../lib/tensor/tensor';

const N = 64;
const x: number[][] = Array.from({ length: N }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
const y: number[] = x.map((r) => (r[0] + r[1] > 0 ? 1 : 0) + (r[2] > 0.5 ? 1 : 0));

function model(metrics: string[] = []): my.Sequential {
  my.setSeed(3);
  const m = my.sequential([my.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), my.layers.dense({ units: 3, activation: 'softmax' })]);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics });
  return m;
}

const weightsOf = (m: my.Sequential): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));
function expectSameWeights(a: my.Sequential, b: my.Sequential, tol = 1e-5): void {
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  wa.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - wb[i][k])).toBeLessThanOrEqual(tol * (1 + Math.abs(v)))));
}

describe('fit(dataset) agrees with fit(arrays) on the same batches', () => {
  test.each([[[] as string[]], [['accuracy']]])('metrics %j: weights and epoch losses', async (metrics) => {
    const a = model(metrics);
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
    const b = model(metrics);
    const hb = await b.fit(my.data.fromArrays(x, y).batch(10), { epochs: 3, verbose: 0 });
    expectSameWeights(a, b);
    ha.history.loss.forEach((l, i) => expect(hb.history.loss[i]).toBeCloseTo(l, 5));
    if (metrics.length) ha.history.accuracy.forEach((v, i) => expect(hb.history.accuracy[i]).toBeCloseTo(v, 6));
    expect(hb.params.steps).toBe(7);
    expect(hb.params.samples).toBe(N);
  });

  test('fitDataset is the same call; stepsPerEpoch shares one pass across epochs (Keras)', async () => {
    const a = model();
    await a.fit(x.slice(0, 40), y.slice(0, 40), { epochs: 1, batchSize: 10, shuffle: false, verbose: 0 });
    const b = model();
    const h = await b.fitDataset(my.data.fromArrays(x, y).batch(10), { epochs: 2, stepsPerEpoch: 2, verbose: 0 });
    expect(h.epoch).toEqual([0, 1]);
    expectSameWeights(a, b);  // epoch 2 continued with batches 3 and 4 of the pass
  });

  test('validationData as a dataset, validationFreq, evaluate(dataset) and predict(dataset) match the array calls', async () => {
    const m = model(['accuracy']);
    const val = my.data.fromArrays(x.slice(0, 20), y.slice(0, 20)).batch(7);
    const h = await m.fit(my.data.fromArrays(x, y).shuffle(64, 1).batch(16), { epochs: 4, validationData: val, validationFreq: [2, 4], verbose: 0 });
    expect(h.history.loss.length).toBe(4);
    expect(h.history.val_loss.length).toBe(2);
    const [loss, acc] = m.evaluate(x.slice(0, 20), y.slice(0, 20)) as number[];
    expect(h.history.val_loss[1]).toBeCloseTo(loss, 5);
    expect(h.history.val_accuracy[1]).toBeCloseTo(acc, 6);
    const [dl, da] = await m.evaluate(val) as number[];
    expect(dl).toBeCloseTo(loss, 5);
    expect(da).toBeCloseTo(acc, 6);
    const p = await m.predict(my.data.fromArrays(x).batch(9)) as Tensor;
    const q = m.predict(x);
    expect(p.shape).toEqual([N, 3]);
    const pv = p.dataSync();
    q.dataSync().forEach((v, i) => expect(pv[i]).toBeCloseTo(v, 6));
    expect(((await m.predict(my.data.fromArrays(x).batch(9), { steps: 2 })) as Tensor).shape).toEqual([18, 3]);
  });

  test('a generator of { xs, ys } tensors and async waits trains like arrays', async () => {
    const a = model();
    await a.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const b = model();
    const gen = my.data.fromGenerator(async function* () {
      for (let i = 0; i < N; i += 16) {
        await new Promise((r) => setTimeout(r, 1));
        yield { xs: my.tensor(x.slice(i, i + 16)), ys: my.tensor(y.slice(i, i + 16)) };
      }
    });
    await b.fit(gen.prefetch(2), { epochs: 2, verbose: 0 });
    expectSameWeights(a, b);
  });
});

test('many groups of batches (native jobs of 8 batches while the next ones are read) train as arrays do', async () => {
  const n = 20_500;  // batches of 1000: groups of 8, 8, 4 full batches, then the last 500 rows alone
  const bx = Array.from({ length: n }, (_, i) => [Math.sin(i * 0.37), Math.cos(i * 0.11), ((i * 7) % 13) / 13]);
  const by = bx.map((r) => (r[0] * r[1] > 0 ? 1 : 0) + (r[2] > 0.5 ? 1 : 0));
  const a = model();
  const ha = await a.fit(bx, by, { epochs: 2, batchSize: 1000, shuffle: false, verbose: 0 });
  const b = model();
  const backend = b.weights[0].backend;
  const reserved: number[] = [];
  const reserve = backend.reserveCores?.bind(backend);
  if (reserve) backend.reserveCores = (cores: number) => { reserved.push(cores); reserve(cores); };
  let hb: my.History;
  try {
    hb = await b.fit(my.data.fromArrays(bx, by).batch(1000).prefetch(2), { epochs: 2, verbose: 0 });
  } finally {
    if (reserve) backend.reserveCores = reserve;
  }
  expect(hb.params.offThread).toBe(my.backendInfo().backend === 'cpu');
  // on cpu one core is left to the JavaScript thread for the fit, and given back at its end
  expect(reserved).toEqual(hb.params.offThread ? [1, 0] : []);
  expect(hb.params.steps).toBe(21);
  expectSameWeights(a, b, 1e-4);
  ha.history.loss.forEach((l, i) => expect(hb.history.loss[i]).toBeCloseTo(l, 5));
});

test('an optimizer without a fused kernel call (clipNorm) trains its groups on the JavaScript thread, as arrays', async () => {
  const clipped = () => {
    const m = model();
    m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01, clipNorm: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
    return m;
  };
  const a = clipped();
  const ha = await a.fit(x, y, { epochs: 2, batchSize: 10, shuffle: false, verbose: 0 });
  const b = clipped();
  const hb = await b.fit(my.data.fromArrays(x, y).batch(10), { epochs: 2, verbose: 0 });
  expectSameWeights(a, b);
  ha.history.loss.forEach((l, i) => expect(hb.history.loss[i]).toBeCloseTo(l, 5));
});

describe('groups of batches (off-thread steps on cpu)', () => {
  test('the first step runs before the source yields its second batch: a slow source never waits for a group to fill', async () => {
    const fitted = (): [my.Sequential, my.optimizers.Optimizer] => {
      my.setSeed(3);
      const opt = my.optimizers.adam({ learningRate: 0.01 });
      const m = my.sequential([my.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), my.layers.dense({ units: 3, activation: 'softmax' })]);
      m.compile({ optimizer: opt, loss: 'sparseCategoricalCrossentropy' });
      return [m, opt];
    };
    const [m, opt] = fitted();
    const stepsBefore: number[] = [];
    const source = my.data.fromGenerator(async function* () {
      for (let b = 0; b < 6; b++) {
        const deadline = Date.now() + 10000;  // a group that waited to fill would never start: give up after 10 s
        while (opt.iterations < b && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
        stepsBefore.push(opt.iterations);
        yield { xs: my.tensor(x.slice(b * 8, b * 8 + 8)), ys: my.tensor(y.slice(b * 8, b * 8 + 8)) };
      }
    });
    await m.fit(source, { verbose: 0 });
    expect(stepsBefore).toEqual([0, 1, 2, 3, 4, 5]);
    const [a] = fitted();
    await a.fit(x.slice(0, 48), y.slice(0, 48), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expectSameWeights(a, m);
  });
});

describe('control', () => {
  test('an abort signal rejects with AbortError; stopTraining resolves with the epochs so far; arrays as validationData', async () => {
    const m = model();
    const ac = new AbortController();
    const endless = my.data.fromArrays(x, y).batch(8).repeat();
    const fitting = m.fit(endless, { epochs: 1, signal: ac.signal, verbose: 0 });
    setTimeout(() => ac.abort(), 20);
    await expect(fitting).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.isTraining).toBe(false);
    const stopper = { onEpochEnd: (epoch: number) => { if (epoch === 1) m.stopTraining = true; } };
    const h = await m.fit(my.data.fromArrays(x, y).batch(16), { epochs: 10, callbacks: [stopper], validationData: [x.slice(0, 8), y.slice(0, 8)], verbose: 0 });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.history.val_loss.length).toBe(2);
    expect(h.history.val_loss[1]).toBeCloseTo(m.evaluate(x.slice(0, 8), y.slice(0, 8)) as number, 5);
  });
});

describe('bad input', () => {
  test('a generator that throws mid-epoch: fit rejects with its error, weights are those after the last finished step', async () => {
    const a = model();
    await a.fit(x.slice(0, 24), y.slice(0, 24), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const b = model();
    const failing = my.data.fromGenerator(function* () {
      for (let i = 0; i < 3; i++) yield { xs: x.slice(i * 8, i * 8 + 8), ys: y.slice(i * 8, i * 8 + 8) };
      throw new Error('database cursor closed');
    });
    await expect(b.fit(failing, { epochs: 1, verbose: 0 })).rejects.toThrow('database cursor closed');
    expectSameWeights(a, b);
    expect(b.isTraining).toBe(false);
    await b.fit(my.data.fromArrays(x, y).batch(8), { verbose: 0 });  // still usable
  });

  test('NaN, wrongly shaped and unbatched data are typed errors naming the batch', async () => {
    const m = model();
    const nan = my.data.fromGenerator([{ xs: [[1, 2, 3]], ys: [0] }, { xs: [[1, NaN, 3]], ys: [1] }]);
    await expect(m.fit(nan, { verbose: 0 })).rejects.toThrow(/batch 1 of epoch 1: x contains NaN at row 0, column 1/);
    const wide = my.data.fromGenerator([{ xs: [[1, 2, 3, 4]], ys: [0] }]);
    await expect(m.fit(wide, { verbose: 0 })).rejects.toThrow(ShapeError);
    const badLabel = my.data.fromGenerator([{ xs: [[1, 2, 3]], ys: [7] }]);
    await expect(m.fit(badLabel, { verbose: 0 })).rejects.toThrow(/y\[0\] = 7 is not a class index/);
    await expect(m.fit(my.data.fromArrays(x, y), { verbose: 0 })).rejects.toThrow(/call dataset.batch\(batchSize\)/);
    await expect(m.fit(my.data.fromArrays(x).batch(4), { verbose: 0 })).rejects.toThrow(/no ys/);
    const ragged = my.data.fromGenerator([{ xs: [1, 2, 3], ys: 0 }, { xs: [1, 2], ys: 1 }]).batch(2);
    await expect(m.fit(ragged, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(m.fit(my.data.fromGenerator([]), { verbose: 0 })).rejects.toThrow(/no batches/);
    await expect(m.fit(my.data.fromArrays(x, y).batch(8), { stepsPerEpoch: 0 })).rejects.toThrow(ValueError);
    await expect(m.fit(my.data.fromArrays(x, y).batch(8), { validationFreq: 0 } as never)).rejects.toThrow(/validationFreq/);
    expect(m.isTraining).toBe(false);
  });

  test('a dataset that ends before stepsPerEpoch * epochs batches stops training with a warning (as Keras)', async () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const m = model();
      const h = await m.fit(my.data.fromArrays(x, y).batch(16), { epochs: 5, stepsPerEpoch: 3, verbose: 0 });
      expect(h.epoch).toEqual([0, 1]);  // 4 batches: epoch 1 whole, epoch 2 with one batch, then out of data
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toMatch(/ran out of data after 1 epochs and 1 batches .* asks for 15 batches/);
      expect(spy.mock.calls[0][1]).toMatchObject({ code: 'MYELIN_DATA_EXHAUSTED' });
    } finally {
      spy.mockRestore();
    }
  });
});
