/**
 * timeDistributed around a model (Keras accepts any layer, a Sequential included): the output equals a float64
 * hand computation of the inner model at every step, the parameter count and summary are the inner model's,
 * save / load round trips, and a time mask on the input passes on to the output (Keras's supports_masking), so the
 * loss and metrics skip padded steps.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { randomValues } from '../helpers/gradcheck';

/** relu(x W1 + b1) W2 + b2 for every row of x [rows, 3] in float64. */
function innerByHand(x: Float32Array, rows: number, [w1, b1, w2, b2]: Float32Array[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const h = [0, 1, 2, 3].map((j) => Math.max(0, b1[j] + [0, 1, 2].reduce((s, f) => s + x[r * 3 + f] * w1[f * 4 + j], 0)));
    for (let k = 0; k < 2; k++) out.push(b2[k] + h.reduce((s, v, j) => s + v * w2[j * 2 + k], 0));
  }
  return out;
}

function innerModel(): my.Sequential {
  return my.sequential([
    my.layers.dense({ units: 4, activation: 'relu', inputShape: [3], biasInitializer: 'glorotUniform' }),
    my.layers.dense({ units: 2, biasInitializer: 'glorotUniform' }),
  ]);
}

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  test('a Sequential as the layer: every step through the inner model, its params, summary and save / load', async () => {
    const inner = innerModel();
    const outer = my.sequential([my.layers.timeDistributed({ layer: inner, inputShape: [5, 3] })]);
    const B = 2, T = 5;
    const xs = randomValues(B * T * 3, 4, -1, 1);
    const x = my.tensor(xs, [B, T, 3]);
    const y = (outer.predict(x) as my.Tensor);
    expect(y.shape).toEqual([B, T, 2]);
    const want = innerByHand(xs, B * T, inner.getWeights().map((w) => w.dataSync()));
    const got = y.dataSync();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expect(outer.countParams()).toBe(3 * 4 + 4 + 4 * 2 + 2);
    const lines: string[] = [];
    outer.summary((l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/TimeDistributed/);
    expect(lines.join('\n')).toMatch(/26/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-td-model-'));
    try {
      await outer.save(dir);
      const loaded = await my.loadModel(dir);
      expect(loaded.countParams()).toBe(26);
      expect(Array.from((loaded.predict(x) as my.Tensor).dataSync())).toEqual(Array.from(got));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('training updates the inner model\'s weights (they are the wrapper\'s)', async () => {
    const inner = innerModel();
    const outer = my.sequential([my.layers.timeDistributed({ layer: inner, inputShape: [4, 3] })]);
    outer.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const before = inner.getWeights().map((w) => Array.from(w.dataSync()));
    await outer.fit(my.tensor(randomValues(3 * 4 * 3, 6, -1, 1), [3, 4, 3]), my.tensor(randomValues(3 * 4 * 2, 7, -1, 1), [3, 4, 2]), { epochs: 1, verbose: 0 });
    const after = inner.getWeights().map((w) => Array.from(w.dataSync()));
    expect(after.some((w, i) => w.some((v, j) => Math.abs(v - before[i][j]) > 1e-6))).toBe(true);
  });

  test('the input\'s time mask passes through: the loss counts the unpadded steps only', () => {
    const m = my.sequential([
      my.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [4] }),
      my.layers.timeDistributed({ layer: my.layers.dense({ units: 1 }) }),
    ]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = my.tensor([1, 2, 0, 0, 3, 1, 2, 0], [2, 4]);
    const yv = [0.5, -0.2, 9, 9, 0.1, 0.3, -0.4, 9];
    const p = (m.predict(x) as my.Tensor).dataSync();
    const on = [1, 1, 0, 0, 1, 1, 1, 0];
    let se = 0, ae = 0;
    on.forEach((k, i) => { se += k * (p[i] - yv[i]) ** 2; ae += k * Math.abs(p[i] - yv[i]); });
    const r = m.evaluate(x, my.tensor(yv, [2, 4, 1]), { returnDict: true }) as Record<string, number>;
    expect(r.loss).toBeCloseTo(se / 5, 5);
    expect(r.mae).toBeCloseTo(ae / 5, 5);
  });
});

test('a mask that does not match the input\'s batch and time is a ShapeError naming the layer', () => {
  const td = my.layers.timeDistributed({ layer: my.layers.dense({ units: 1 }), name: 'td' });
  const x = my.zeros([2, 4, 3]);
  expect(() => td.computeOutputMask([x], [my.ones([2, 3])])).toThrow(my.ShapeError);
  expect(() => td.computeOutputMask([x], [my.ones([2, 3])])).toThrow(/td: the mask must have shape \[2, 4\]/);
  expect(() => my.layers.timeDistributed({ layer: 42 as never })).toThrow(/timeDistributed: layer must be a Layer, a model/);
});
