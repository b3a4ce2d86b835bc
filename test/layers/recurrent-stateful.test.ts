/**
 * stateful simpleRnn / lstm / gru (Keras `stateful=True`): a sequence fed in two chunks gives the outputs of the
 * whole sequence through the same layer without state (the final states of a batch are the next batch's initial
 * states, sample by sample); resetStates of the layer and of the model start over; a fixed batch size is required
 * and another batch size is a ShapeError; the options round trip through the config and save / load.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { randomValues } from '../helpers/gradcheck';

type Kind = 'simpleRnn' | 'lstm' | 'gru';
const MAKE: Record<Kind, (a: Record<string, unknown>) => my.layers.RecurrentLayer> = {
  simpleRnn: (a) => my.layers.simpleRnn(a as never), lstm: (a) => my.layers.lstm(a as never), gru: (a) => my.layers.gru(a as never),
};
const B = 2, T = 6, F = 3, U = 4;

/** Steps [from, from + n) of x [B, T, F]. */
function chunk(xs: Float32Array, from: number, n: number): my.Tensor {
  const out = new Float32Array(B * n * F);
  for (let b = 0; b < B; b++) out.set(xs.subarray((b * T + from) * F, (b * T + from + n) * F), b * n * F);
  return my.tensor(out, [B, n, F]);
}

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  describe.each(['simpleRnn', 'lstm', 'gru'] as Kind[])('%s', (kind) => {
    test('two chunks equal the whole sequence; resetStates starts over', () => {
      const xs = randomValues(B * T * F, 9, -1, 1);
      const whole = MAKE[kind]({ units: U, returnSequences: true, biasInitializer: 'glorotUniform' });
      const want = whole.apply(my.tensor(xs, [B, T, F])).dataSync();
      const carried = MAKE[kind]({ units: U, returnSequences: true, stateful: true, batchSize: B });
      carried.apply(chunk(xs, 0, 3));
      carried.setWeights(whole.getWeights());
      carried.resetStates();
      const first = carried.apply(chunk(xs, 0, 3)).dataSync();
      const second = carried.apply(chunk(xs, 3, 3)).dataSync();
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let u = 0; u < U; u++) {
            const got = t < 3 ? first[(b * 3 + t) * U + u] : second[(b * 3 + t - 3) * U + u];
            expect(got).toBeCloseTo(want[(b * T + t) * U + u], 5);
          }
        }
      }
      carried.resetStates();
      expect(Array.from(carried.apply(chunk(xs, 0, 3)).dataSync())).toEqual(Array.from(first));
    });
  });

  test('a model of stateful layers: predict carries, model.resetStates() starts over, fit trains', async () => {
    const m = my.sequential([
      my.layers.lstm({ units: U, stateful: true, batchInputShape: [B, 2, F], returnSequences: true }),
      my.layers.gru({ units: 2, stateful: true, batchSize: B }),
    ]);
    const x = my.tensor(randomValues(B * 2 * F, 3, -1, 1), [B, 2, F]);
    const a = Array.from((m.predict(x) as my.Tensor).dataSync());
    const b = Array.from((m.predict(x) as my.Tensor).dataSync());
    expect(b).not.toEqual(a);  // the second batch starts from the first one's states
    m.resetStates();
    expect(Array.from((m.predict(x) as my.Tensor).dataSync())).toEqual(a);
    m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'mse' });
    const n = 8, xt = my.tensor(randomValues(n * 2 * F, 4, -1, 1), [n, 2, F]), yt = my.tensor(randomValues(n * 2, 5, -0.5, 0.5), [n, 2]);
    const h = await m.fit(xt, yt, { epochs: 6, batchSize: B, shuffle: false, verbose: 0 });
    expect(h.history.loss.every(Number.isFinite)).toBe(true);
    expect(h.history.loss[h.history.loss.length - 1]).toBeLessThan(h.history.loss[0]);
  });

  test('a batch of another size is a ShapeError naming the layer and the batch size', () => {
    const l = my.layers.lstm({ units: 2, stateful: true, batchSize: 4, name: 'carry' });
    expect(() => l.apply(my.zeros([3, 5, 2]))).toThrow(my.ShapeError);
    expect(() => l.apply(my.zeros([3, 5, 2]))).toThrow(/carry: a stateful layer takes batches of exactly 4 samples/);
    expect(l.apply(my.zeros([4, 5, 2])).shape).toEqual([4, 2]);  // still usable
  });
});

describe('options', () => {
  test('stateful needs a fixed batch size; batch options are checked', () => {
    expect(() => my.layers.gru({ units: 2, stateful: true })).toThrow(my.ValueError);
    expect(() => my.layers.gru({ units: 2, stateful: true })).toThrow(/gru: stateful needs a fixed batch size/);
    expect(() => my.layers.lstm({ units: 2, batchSize: 0 })).toThrow(/lstm: batchSize must be a positive integer/);
    expect(() => my.layers.lstm({ units: 2, batchInputShape: [2, 3] })).toThrow(/lstm: batchInputShape must be \[batch, time, features\]/);
    expect(() => my.layers.lstm({ units: 2, batchSize: 3, batchInputShape: [2, 3, 1] })).toThrow(/disagree/);
    expect(() => my.layers.simpleRnn({ units: 2, stateful: 'yes' } as never)).toThrow(/simpleRnn: stateful must be a boolean/);
  });

  test('config and save / load carry stateful and the batch size', async () => {
    const m = my.sequential([my.layers.simpleRnn({ units: 3, stateful: true, batchInputShape: [2, 4, 1] }), my.layers.dense({ units: 1 })]);
    expect(m.layers[0].getConfig()).toMatchObject({ stateful: true, batchSize: 2 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-stateful-'));
    try {
      await m.save(dir);
      const loaded = await my.loadModel(dir);
      expect(loaded.layers[0].getConfig()).toMatchObject({ stateful: true, batchSize: 2 });
      const x = my.tensor(randomValues(8, 2, -1, 1), [2, 4, 1]);
      expect(Array.from((loaded.predict(x) as my.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as my.Tensor).dataSync()));
      expect(Array.from((loaded.predict(x) as my.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as my.Tensor).dataSync()));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
