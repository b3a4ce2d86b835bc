/**
 * recurrentDropout of simpleRnn, lstm and gru as Keras 3 defines it: one mask per gate (4, 3, 1), drawn once per call
 * and kept over the steps. The training output equals a float64 hand computation with the same masks (drawn by a
 * dropout layer with the layer's seed + 1 over [gates, batch, units], as the layer draws them), gradients through
 * the fused kernels match central differences with the masks fixed, rate 0 and inference equal the plain layer,
 * options and config round trip.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

type Kind = 'simpleRnn' | 'lstm' | 'gru';
const MAKE: Record<Kind, (a: Record<string, unknown>) => my.layers.RecurrentLayer> = {
  simpleRnn: (a) => my.layers.simpleRnn(a as never), lstm: (a) => my.layers.lstm(a as never), gru: (a) => my.layers.gru(a as never),
};
const KINDS: Kind[] = ['simpleRnn', 'lstm', 'gru'];
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const GATES: Record<Kind, number> = { simpleRnn: 1, lstm: 4, gru: 3 };

/**
 * The cell over x [B, T, F] in float64, h_{t-1} entering gate g's recurrent product as m[g] h_{t-1}, and x entering
 * gate g's input product as d[g] x when the input masks d [k, B, F] are given.
 */
function reference(kind: Kind, l: my.layers.RecurrentLayer, xs: Float32Array, B: number, T: number, F: number, m: Float32Array,
  d: Float32Array | null = null): number[] {
  const [W, K, bias] = l.weights.map((w) => w.dataSync());
  const U = l.units, k = GATES[kind];
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = new Array<number>(U).fill(0);
    const c = new Array<number>(U).fill(0);
    for (let t = 0; t < T; t++) {
      const xw = new Array<number>(k * U).fill(0), a = new Array<number>(k * U).fill(0);
      for (let j = 0; j < k * U; j++) {
        const g = Math.floor(j / U);
        for (let f = 0; f < F; f++) xw[j] += xs[(b * T + t) * F + f] * (d === null ? 1 : d[(g * B + b) * F + f]) * W[f * k * U + j];
        for (let u = 0; u < U; u++) a[j] += m[(Math.floor(j / U) * B + b) * U + u] * h[u] * K[u * k * U + j];
        xw[j] += bias[j];
        if (kind === 'gru') a[j] += bias[k * U + j];
      }
      const next = new Array<number>(U);
      for (let u = 0; u < U; u++) {
        if (kind === 'simpleRnn') next[u] = Math.tanh(xw[u] + a[u]);
        else if (kind === 'lstm') {
          const i = sig(xw[u] + a[u]), f = sig(xw[U + u] + a[U + u]), g = Math.tanh(xw[2 * U + u] + a[2 * U + u]), o = sig(xw[3 * U + u] + a[3 * U + u]);
          c[u] = f * c[u] + i * g;
          next[u] = o * Math.tanh(c[u]);
        } else {
          const z = sig(xw[u] + a[u]), r = sig(xw[U + u] + a[U + u]), n = Math.tanh(xw[2 * U + u] + r * a[2 * U + u]);
          next[u] = z * h[u] + (1 - z) * n;  // the blend uses the undropped state
        }
      }
      h = next;
      out.push(...h);
    }
  }
  return out;
}

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  describe.each(KINDS)('%s', (kind) => {
    const B = 3, T = 4, F = 2, U = 5;
    const xs = randomValues(B * T * F, 11, -1, 1);

    test('training output equals the hand computation with the same per-gate masks', () => {
      const l = MAKE[kind]({ units: U, recurrentDropout: 0.4, seed: 21, returnSequences: true, biasInitializer: 'glorotUniform' });
      const y = l.apply(my.tensor(xs, [B, T, F]), true).dataSync();
      const k = GATES[kind];
      const m = my.layers.dropout({ rate: 0.4, seed: 22 }).apply(my.ones([k, B, U]), true).dataSync();
      const kept = Array.from(m).filter((v) => v !== 0);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(k * B * U);
      if (k > 1) {  // the gates draw masks of their own
        const first = Array.from(m.subarray(0, B * U));
        expect(Array.from(m.subarray(B * U, 2 * B * U))).not.toEqual(first);
      }
      for (const v of kept) expect(v).toBeCloseTo(1 / 0.6, 5);
      const want = reference(kind, l, xs, B, T, F, m);
      // the layer draws the same mask as the hand computation (batch-major output [B, T, U])
      want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
      // and it differs from the undropped computation
      const plain = reference(kind, l, xs, B, T, F, new Float32Array(k * B * U).fill(1));
      expect(plain.some((v, i) => Math.abs(v - y[i]) > 1e-3)).toBe(true);
    });

    test('with input dropout too, each gate takes its own input mask (Keras\'s per-gate cell)', () => {
      const l = MAKE[kind]({ units: U, dropout: 0.3, recurrentDropout: 0.4, seed: 31, returnSequences: true, biasInitializer: 'glorotUniform' });
      const y = l.apply(my.tensor(xs, [B, T, F]), true).dataSync();
      const k = GATES[kind];
      const inputDrop = my.layers.spatialDropout1d({ rate: 0.3, seed: 31 });
      const d = new Float32Array(k * B * F);
      for (let g = 0; g < k; g++) {
        const drawn = inputDrop.apply(my.ones([B, T, F]), true).dataSync();  // [B, T, F], the same mask at every step
        for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) d[(g * B + b) * F + f] = drawn[(b * T) * F + f];
      }
      if (k > 1) expect(Array.from(d.subarray(B * F, 2 * B * F))).not.toEqual(Array.from(d.subarray(0, B * F)));
      const m = my.layers.dropout({ rate: 0.4, seed: 32 }).apply(my.ones([k, B, U]), true).dataSync();
      reference(kind, l, xs, B, T, F, m, d).forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    });

    test('gradients through the fused kernels match central differences with the masks fixed', () => {
      const l = MAKE[kind]({ units: 3, recurrentDropout: 0.5, seed: 5, returnSequences: true });
      const k = GATES[kind];
      const fixed = my.tensor(Array.from({ length: k * 2 * 3 }, (_, i) => ((i * 7 + 3) % 5 < 2 ? 0 : 2)), [k, 2, 3]);
      (l as unknown as { stateDropout: { call: () => my.Tensor } }).stateDropout.call = () => fixed;
      const mask = my.tensor([1, 0, 1, 1, 0, 1, 1, 1], [2, 4]);
      checkLayerGradients((layer, v) => (layer as my.layers.RecurrentLayer).run([v], mask, true)[0], l, my.tensor(randomValues(2 * 4 * 2, 3, -1, 1), [2, 4, 2]));
    });

    test('rate 0 equals no dropout; inference ignores the recurrent dropout', () => {
      const input = my.tensor(xs, [B, T, F]);
      const base = MAKE[kind]({ units: U, seed: 3, returnSequences: true });
      const want = Array.from(base.apply(input, true).dataSync());
      for (const rate of [0, 0.5]) {
        const l = MAKE[kind]({ units: U, recurrentDropout: rate, seed: 3, returnSequences: true });
        l.apply(input);
        l.setWeights(base.getWeights());
        const inference = Array.from(l.apply(input, false).dataSync());
        inference.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
        if (rate === 0) Array.from(l.apply(input, true).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
      }
    });
  });
});

describe('in fit', () => {
  test('a model with recurrentDropout trains: the loss falls and stays finite', async () => {
    const model = my.sequential([my.layers.lstm({ units: 8, recurrentDropout: 0.3, seed: 2, inputShape: [5, 1] }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
    const n = 64, xs = randomValues(n * 5, 8, -1, 1), ys = new Float32Array(n);
    for (let i = 0; i < n; i++) for (let t = 0; t < 5; t++) ys[i] += xs[i * 5 + t] / 5;
    const h = await model.fit(my.tensor(xs, [n, 5, 1]), my.tensor(ys, [n, 1]), { epochs: 15, batchSize: 16, verbose: 0 });
    const loss = h.history.loss;
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] / 2);
  });
});

describe('options and config', () => {
  test('strict keys, range checks, getConfig and save / load carry recurrentDropout', async () => {
    expect(() => my.layers.lstm({ units: 2, recurrentDropout: 1 })).toThrow(/lstm: recurrentDropout must be a number in \[0, 1\)/);
    expect(() => my.layers.gru({ units: 2, recurrentDropout: -0.1 })).toThrow(/gru: recurrentDropout must be a number in \[0, 1\)/);
    expect(() => my.layers.simpleRnn({ units: 2, recurrent_dropout: 0.1 } as never)).toThrow(/simpleRnn: unknown option 'recurrent_dropout'; did you mean 'recurrentDropout'\?/);
    const model = my.sequential([my.layers.gru({ units: 3, recurrentDropout: 0.25, seed: 7, inputShape: [4, 2] }), my.layers.dense({ units: 1 })]);
    expect(model.layers[0].getConfig()).toMatchObject({ recurrentDropout: 0.25, seed: 7 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-recdrop-'));
    await model.save(dir);
    const loaded = await my.loadModel(dir);
    expect(loaded.layers[0].getConfig()).toMatchObject({ recurrentDropout: 0.25, seed: 7 });
    const input = my.tensor(randomValues(2 * 4 * 2, 4, -1, 1), [2, 4, 2]);
    expect(Array.from(loaded.predict(input).dataSync())).toEqual(Array.from(model.predict(input).dataSync()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
