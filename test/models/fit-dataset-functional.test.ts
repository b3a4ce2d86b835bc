/**
 * fit / evaluate / predict on a my.data.Dataset for a functional model of two inputs (and one of two outputs),
 * checked against the same calls on arrays keyed by input name (the array path is the reference): elements
 * `{ xs: { a, b }, ys }` per sample batched by the dataset, and `[x, y]` pairs of ready batches.
 */
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import type { Tensor } from '../../lib/tensor/tensor';

const N = 48;
const a: number[][] = Array.from({ length: N }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
const b: number[][] = Array.from({ length: N }, (_, i) => [Math.cos(i * 1.3), (i % 3) / 3]);
const y: number[] = a.map((r, i) => (r[0] + b[i][0] > 0 ? 1 : 0));
const r: number[] = a.map((row, i) => row[1] - b[i][1]);

function twoInputs(outputs: 1 | 2 = 1): my.Model {
  my.setSeed(5);
  const ia = my.input({ shape: [3], name: 'a' });
  const ib = my.input({ shape: [2], name: 'b' });
  const h = my.layers.dense({ units: 6, activation: 'tanh' }).apply(my.layers.concatenate().apply([ia, ib]) as my.SymbolicTensor) as my.SymbolicTensor;
  const cls = my.layers.dense({ units: 1, activation: 'sigmoid', name: 'cls' }).apply(h) as my.SymbolicTensor;
  if (outputs === 1) {
    const m = my.model({ inputs: [ia, ib], outputs: cls });
    m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return m;
  }
  const reg = my.layers.dense({ units: 1, name: 'reg' }).apply(h) as my.SymbolicTensor;
  const m = my.model({ inputs: [ia, ib], outputs: [cls, reg] });
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: { cls: 'binaryCrossentropy', reg: 'meanSquaredError' } });
  return m;
}

const weightsOf = (m: my.Model): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));
function expectSameWeights(p: my.Model, q: my.Model): void {
  const wq = weightsOf(q);
  weightsOf(p).forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - wq[i][k])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)))));
}

/** Per-sample elements { xs: { a, b }, ys } (a database cursor's rows). */
const samples = () => my.data.fromGenerator(function* () {
  for (let i = 0; i < N; i++) yield { xs: { a: a[i], b: b[i] }, ys: y[i] };
});

describe('a functional model of two inputs fed by a dataset', () => {
  test('{ xs: { a, b }, ys } samples batched: same weights, losses and metrics as fit on arrays by name', async () => {
    const ref = twoInputs();
    const hr = await ref.fit({ a, b }, y, { epochs: 3, batchSize: 12, shuffle: false, verbose: 0 });
    const m = twoInputs();
    const h = await m.fit(samples().batch(12), { epochs: 3, verbose: 0 });
    expectSameWeights(ref, m);
    hr.history.loss.forEach((l, i) => expect(h.history.loss[i]).toBeCloseTo(l, 5));
    hr.history.accuracy.forEach((v, i) => expect(h.history.accuracy[i]).toBeCloseTo(v, 6));
    expect(h.params.steps).toBe(4);

    const [loss, acc] = ref.evaluate({ a, b }, y) as number[];
    const [dl, da] = await m.evaluate(samples().batch(10)) as number[];
    expect(dl).toBeCloseTo(loss, 5);
    expect(da).toBeCloseTo(acc, 6);
    const p = await m.predict(samples().batch(10)) as Tensor;
    expect(p.shape).toEqual([N, 1]);
    const q = (ref.predict({ a, b }) as Tensor).dataSync();
    p.dataSync().forEach((v, i) => expect(v).toBeCloseTo(q[i], 5));
  });

  test('[x, y] pairs of ready batches (x an array in input order) and fitDataset with a dataset as validationData', async () => {
    const ref = twoInputs();
    await ref.fit([a, b], y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const batches = my.data.fromGenerator(function* () {
      for (let i = 0; i < N; i += 16) yield [[my.tensor(a.slice(i, i + 16)), my.tensor(b.slice(i, i + 16))], my.tensor(y.slice(i, i + 16))];
    });
    const m = twoInputs();
    const h = await m.fitDataset(batches, { epochs: 2, validationData: samples().batch(20), verbose: 0 });
    expectSameWeights(ref, m);
    expect(h.history.val_loss.length).toBe(2);
    const [vl] = m.evaluate({ a, b }, y) as number[];
    expect(h.history.val_loss[1]).toBeCloseTo(vl, 5);
  });

  test('two outputs: ys keyed by output name; predict(dataset) returns one tensor per output', async () => {
    const ref = twoInputs(2);
    await ref.fit({ a, b }, { cls: y, reg: r }, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    const m = twoInputs(2);
    const ds = my.data.fromGenerator(function* () {
      for (let i = 0; i < N; i++) yield { xs: { a: a[i], b: b[i] }, ys: { cls: y[i], reg: r[i] } };
    });
    await m.fit(ds.batch(8), { epochs: 2, verbose: 0, validationData: [{ a, b }, { cls: y, reg: r }] });
    expectSameWeights(ref, m);
    const outs = await m.predict(samples().batch(7)) as Tensor[];
    const want = ref.predict({ a, b }) as Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([[N, 1], [N, 1]]);
    outs.forEach((t, k) => { const w = want[k].dataSync(); t.dataSync().forEach((v, i) => expect(v).toBeCloseTo(w[i], 5)); });
  });

  test('bad batches name the input and the batch: a missing input, a wrong width', async () => {
    const m = twoInputs();
    const missing = my.data.fromGenerator([{ xs: { a: [a[0]] }, ys: [1] }]);
    await expect(m.fit(missing, { verbose: 0 })).rejects.toThrow(/batch 0 of epoch 1: x: the keys must be the model's input names \[a, b\]; missing b/);
    const wide = my.data.fromGenerator([{ xs: { a: [a[0]], b: [[1, 2, 3]] }, ys: [1] }]);
    await expect(m.fit(wide, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(m.predict(my.data.fromGenerator([{ xs: { a: [a[0]] } }]))).rejects.toThrow(ValueError);
    expect(m.isTraining).toBe(false);
  });
});
