/**
 * maxNorm, nonNeg, unitNorm: values against Keras 3's formulas (keras/src/constraints/constraints.py) in NumPy
 * (run here); a dense layer's kernelConstraint / biasConstraint applied after every optimizer step (fit on cpu picks
 * compiled-replay and says why); configs round-trip; bad options are ValueErrors.
 */
import { spawnSync } from 'child_process';
import * as my from '../../lib/index';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { randomValues } from '../helpers/gradcheck';

const W = Array.from(randomValues(12, 3, -2, 2));

function keras(): Record<string, number[]> {
  const code = `import json, sys
import numpy as np
w = np.array(json.load(sys.stdin), dtype=np.float64).reshape(4, 3)
eps = 1e-7
def maxnorm(w, m, axis):
    n = np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))
    return w * (np.clip(n, 0, m) / (eps + n))
def unitnorm(w, axis):
    return w / (eps + np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True)))
out = {'maxNorm': maxnorm(w, 2.0, 0), 'maxNorm1axis1': maxnorm(w, 1.0, 1), 'nonNeg': w * (w >= 0), 'unitNorm': unitnorm(w, 0), 'unitNormAxis1': unitnorm(w, 1)}
print(json.dumps({k: v.ravel().tolist() for k, v in out.items()}))`;
  const r = spawnSync(torchAvailable().python, ['-c', code], { input: JSON.stringify(W), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

beforeAll(() => my.setBackend('reference'));

test('values equal Keras 3 formulas (NumPy)', () => {
  const want = keras();
  const w = my.tensor(W, [4, 3]);
  const cases: Array<[string, my.constraints.Constraint]> = [
    ['maxNorm', my.constraints.maxNorm()], ['maxNorm1axis1', my.constraints.maxNorm({ maxValue: 1, axis: 1 })],
    ['nonNeg', my.constraints.nonNeg()], ['unitNorm', my.constraints.unitNorm()], ['unitNormAxis1', my.constraints.unitNorm({ axis: 1 })],
  ];
  for (const [key, c] of cases) {
    const got = c.apply(w).dataSync();
    want[key].forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-6));
  }
});

test('names, configs, bad options', () => {
  for (const c of [my.constraints.maxNorm({ maxValue: 3, axis: [0, 1] }), my.constraints.nonNeg(), my.constraints.unitNorm({ axis: 1 })]) {
    const back = my.constraints.getConstraint(JSON.parse(JSON.stringify({ className: c.className, config: c.getConfig() })));
    expect(back.getConfig()).toEqual(c.getConfig());
  }
  expect(my.constraints.getConstraint('nonNeg').className).toBe('NonNeg');
  expect(() => my.constraints.maxNorm({ maxValue: 0 })).toThrow(/maxValue must be a finite number > 0/);
  expect(() => my.constraints.unitNorm({ axis: 1.5 })).toThrow(/axis must be an integer/);
  expect(() => my.constraints.getConstraint('clip')).toThrow(my.ValueError);
  const layer = my.layers.dense({ units: 2, kernelConstraint: 'maxNorm', biasConstraint: { className: 'NonNeg', config: {} } });
  const copy = my.layers.deserializeLayer({ className: 'Dense', config: JSON.parse(JSON.stringify(layer.getConfig())) }) as my.layers.Dense;
  expect(copy.kernelConstraint?.getConfig()).toEqual({ maxValue: 2, axis: 0 });
  expect(copy.biasConstraint?.className).toBe('NonNeg');
});

test('the optimizer projects constrained weights after every step; fit says why it replays', async () => {
  my.setBackend('cpu');
  try {
    my.setSeed(4);
    const m = my.sequential([
      my.layers.dense({ units: 6, inputShape: [3], activation: 'tanh', kernelConstraint: my.constraints.maxNorm({ maxValue: 0.5 }) }),
      my.layers.dense({ units: 1, kernelConstraint: 'nonNeg', biasConstraint: 'nonNeg' }),
    ]);
    m.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const x = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) - 2]);
    const y = x.map((r) => [-3 * r[0] + r[2]]);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0 });
    expect(h.params.strategy).toBe('compiled-replay');
    expect(h.params.strategyReason).toMatch(/weight constraints/);
    const [k0, , k1, b1] = m.getWeights().map((t) => Array.from(t.dataSync()));
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let i = 0; i < 3; i++) s += k0[i * 6 + j] ** 2;
      expect(Math.sqrt(s)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
    for (const v of [...k1, ...b1]) expect(v).toBeGreaterThanOrEqual(0);
    m.dispose();
  } finally {
    my.setBackend('reference');
  }
});
