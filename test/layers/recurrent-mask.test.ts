/**
 * Masks into the recurrent layers: `embedding({ maskZero: true })` and `masking({ maskValue })` make a [batch, time]
 * mask that the model passes beside the values; lstm / gru / simpleRnn keep their state over padded steps, so a
 * padded sequence gives what the unpadded one gives alone (pre- and post-padding), padded steps get no gradient, and
 * returnSequences repeats the previous output there (Keras). On reference and cpu.
 */
import * as my from '../../lib/index';
import { randomValues } from '../helpers/gradcheck';

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
};

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  test.each([['lstm'], ['gru'], ['simpleRnn']] as const)('embedding maskZero -> %s: padded = unpadded, pre and post padding', (kind) => {
    const make = (len: number): my.Sequential => my.sequential([
      my.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [len] }),
      my.layers[kind]({ units: 4 }),
    ]);
    const padded = make(5), plain = make(2);
    plain.setWeights(padded.getWeights());
    const got = (padded.predict(my.tensor([[5, 3, 0, 0, 0], [0, 0, 0, 5, 3]], [2, 5])) as my.Tensor).dataSync();
    const want = (plain.predict(my.tensor([[5, 3], [5, 3]], [2, 2])) as my.Tensor).dataSync();
    near(got, want);
    const unmasked = my.sequential([my.layers.embedding({ inputDim: 10, outputDim: 3, inputShape: [5] }), my.layers[kind]({ units: 4 })]);
    unmasked.setWeights(padded.getWeights());
    const differs = (unmasked.predict(my.tensor([[5, 3, 0, 0, 0]], [1, 5])) as my.Tensor).dataSync();
    expect(Math.abs(differs[0] - want[0]) + Math.abs(differs[1] - want[1])).toBeGreaterThan(1e-4);
  });

  test('masking -> gru with returnSequences: masked steps repeat the previous output; padded steps get no gradient', () => {
    const inp = my.input({ shape: [4, 2] });
    const gru = my.layers.gru({ units: 3, returnSequences: true });
    const out = gru.apply(my.layers.masking({ maskValue: -1 }).apply(inp));
    const model = my.model({ inputs: inp, outputs: out });
    const xs = Float32Array.from(randomValues(16, 4));
    xs.set([-1, -1], 2);   // sample 0, step 1 padded
    xs.set([-1, -1], 14);  // sample 1, step 3 padded
    const x = my.variable(my.tensor(xs, [2, 4, 2]), true, 'x');
    const y = (model.predict(x) as my.Tensor).dataSync();
    near(y.slice(3, 6), y.slice(0, 3), 0);       // step 1 of sample 0 = step 0
    near(y.slice(21, 24), y.slice(18, 21), 0);   // step 3 of sample 1 = step 2
    const { grads } = my.valueAndGrads(() => my.sum(model.apply(x) as my.Tensor), [x]);
    const g = grads[0].dataSync();
    expect([g[2], g[3], g[14], g[15]]).toEqual([0, 0, 0, 0]);
    expect(Math.abs(g[0]) + Math.abs(g[4])).toBeGreaterThan(0);
  });

  test('a masked lstm classifier trains through fit', async () => {
    my.setSeed(5);
    const n = 64, T = 6;
    const ids: number[] = [], ys: number[] = [];
    const r = randomValues(n * T, 8, 0, 1);
    for (let i = 0; i < n; i++) {
      const len = 2 + (i % 4);
      const label = i % 2;
      for (let t = 0; t < T; t++) ids.push(t < T - len ? 0 : label === 1 ? 1 + Math.floor(r[i * T + t] * 3) : 4 + Math.floor(r[i * T + t] * 3));
      ys.push(label);
    }
    const model = my.sequential([
      my.layers.embedding({ inputDim: 8, outputDim: 4, maskZero: true, inputShape: [T] }),
      my.layers.lstm({ units: 6 }),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(my.tensor(ids, [n, T]), my.tensor(ys, [n, 1]), { epochs: 30, batchSize: 16, verbose: 0 });
    expect(h.history.accuracy[h.history.accuracy.length - 1]).toBe(1);
  });

  test('the replayed native training steps give the losses of the plain tape (masked lstm)', async () => {
    const T = 10, n = 64;
    const ids = Array.from({ length: n * T }, (_, i) => (i % 3 === 0 ? 0 : (i * 7) % 20));
    const ys = Array.from({ length: n }, (_, i) => i % 2);
    const run = async (replay: boolean) => {
      const before = process.env.MYELIN_STEP_REPLAY;
      if (!replay) process.env.MYELIN_STEP_REPLAY = '0';
      try {
        my.setSeed(1);
        const m = my.sequential([
          my.layers.embedding({ inputDim: 20, outputDim: 8, maskZero: true, inputShape: [T] }),
          my.layers.lstm({ units: 16 }), my.layers.dense({ units: 1, activation: 'sigmoid' }),
        ]);
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        return await m.fit(my.tensor(ids, [n, T]), my.tensor(ys, [n, 1]), { epochs: 3, batchSize: 16, verbose: 0 });
      } finally {
        if (before === undefined) delete process.env.MYELIN_STEP_REPLAY; else process.env.MYELIN_STEP_REPLAY = before;
      }
    };
    const replayed = await run(true), taped = await run(false);
    expect(replayed.params.strategy).not.toBe('tape');
    expect(taped.params.strategy).toBe('tape');
    near(replayed.history.loss, taped.history.loss, 1e-6);
  });
});
