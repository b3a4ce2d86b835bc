/**
 * KL divergence, hinge, squared hinge, Poisson, cosine similarity and log-cosh: per-sample values against Keras 3's
 * formulas in NumPy and PyTorch's functional losses (test/losses/keras_losses.py, float64, run here), on every
 * backend; gradients by central differences; names, configs and a fit that keeps the fast path.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { getLoss, type Loss } from '../../lib/losses/index';
import { describeEachBackend } from '../helpers/backends';
import { checkGradients, randomValues } from '../helpers/gradcheck';

const B = 4;
const C = 5;
const grid = (seed: number, lo: number, hi: number) => Array.from({ length: B }, (_, i) => Array.from(randomValues(C, seed + i, lo, hi)));
const probs = (seed: number) => grid(seed, 0.01, 1).map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => Math.fround(v / s)); });
const binary = (seed: number) => grid(seed, 0, 1).map((r) => r.map((v) => (v > 0.5 ? 1 : 0)));
const signs = (seed: number) => grid(seed, -1, 1).map((r) => r.map((v) => (v > 0 ? 1 : -1)));
const counts = (seed: number) => grid(seed, 0, 6).map((r) => r.map((v) => Math.floor(v)));

interface Case { name: string; loss: string; yTrue: number[][]; yPred: number[][] }
const CASES: Case[] = [
  { name: 'kl', loss: 'klDivergence', yTrue: probs(1), yPred: probs(11) },
  { name: 'kl with zeros and values above 1 (clipped)', loss: 'klDivergence', yTrue: binary(2), yPred: grid(12, -0.2, 1.3) },
  { name: 'hinge, -1/1 targets', loss: 'hinge', yTrue: signs(3), yPred: grid(13, -2, 2) },
  { name: 'hinge, 0/1 targets (converted)', loss: 'hinge', yTrue: binary(4), yPred: grid(14, -2, 2) },
  { name: 'hinge, other targets (unconverted)', loss: 'hinge', yTrue: grid(5, -1, 1), yPred: grid(15, -2, 2) },
  { name: 'squared hinge, 0/1 targets', loss: 'squaredHinge', yTrue: binary(6), yPred: grid(16, -2, 2) },
  { name: 'squared hinge, -1/1 targets', loss: 'squaredHinge', yTrue: signs(7), yPred: grid(17, -2, 2) },
  { name: 'poisson', loss: 'poisson', yTrue: counts(8), yPred: grid(18, 0.05, 6) },
  { name: 'cosine similarity', loss: 'cosineSimilarity', yTrue: grid(9, -2, 2), yPred: grid(19, -2, 2) },
  { name: 'log-cosh, errors up to 40', loss: 'logCosh', yTrue: grid(10, -20, 20), yPred: grid(20, -20, 20) },
];

const torch = torchAvailable();
function references(): Record<string, { numpy: number[]; torch: number[] | null }> {
  const r = spawnSync(torch.python, [path.join(__dirname, 'keras_losses.py')], { input: JSON.stringify({ cases: CASES }), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`keras_losses.py failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}
const ref = torch.ok ? references() : null;

function expectClose(got: Float32Array, want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (Math.abs(got[i] - w) > 2e-5 * Math.max(1, Math.abs(w))) throw new Error(`${what} sample ${i}: got ${got[i]}, want ${w}`);
  });
}

describeEachBackend('Keras 3 losses', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: per-sample values = NumPy (Keras formula) and torch', (_, c) => {
    if (!ref) throw new Error(`the references need torch: ${torch.message}`);
    const got = my.tidy(() => getLoss(c.loss).perSample(my.tensor(c.yTrue), my.tensor(c.yPred)).dataSync());
    expectClose(got, ref[c.name].numpy, `${c.name} vs NumPy`);
    if (ref[c.name].torch) expectClose(got, ref[c.name].torch as number[], `${c.name} vs torch`);
  });

  test.each(['klDivergence', 'hinge', 'squaredHinge', 'poisson', 'cosineSimilarity', 'logCosh'])('%s: gradient by central differences', (name) => {
    const loss: Loss = getLoss(name);
    const shape = [B, C];
    const lo = { klDivergence: 0.1, poisson: 0.2 }[name as 'poisson'] ?? -2;
    const yTrue = my.tensor(name === 'klDivergence' ? probs(30) : name === 'poisson' ? counts(31) : name.includes('inge') ? signs(32) : grid(33, -2, 2));
    // Hinge kinks at t p = 1 (|p| = 1) are kept away from.
    const values = randomValues(B * C, 40, lo, name === 'klDivergence' ? 0.9 : 2, name.includes('inge') ? [-1, 1] : [], 0.1);
    checkGradients((p) => loss.perSample(yTrue, p), [{ shape, values }], { h: 1e-3, tol: 1e-2 });
  });
});

describe('names, configs, fit', () => {
  test('aliases and { name, config } round-trip', () => {
    expect(getLoss('kld').name).toBe('klDivergence');
    expect(getLoss('kullbackLeiblerDivergence').name).toBe('klDivergence');
    expect(getLoss('logcosh').name).toBe('logCosh');
    for (const n of ['klDivergence', 'hinge', 'squaredHinge', 'poisson', 'cosineSimilarity', 'logCosh']) {
      const l = getLoss(n);
      expect(getLoss({ name: l.name, config: l.getConfig() }).name).toBe(n);
    }
    expect(() => getLoss('cosine')).toThrow(my.ValueError);
    expect(() => getLoss('hinge').perSample(my.tensor([[1, 0]]), my.tensor([[1, 0, 1]]))).toThrow(my.ShapeError);
  });

  test('a model trained with each new loss keeps the compiled / native path and lowers its loss', async () => {
    my.setBackend('cpu');
    try {
      for (const loss of ['hinge', 'squaredHinge', 'logCosh', 'cosineSimilarity', 'poisson', 'klDivergence']) {
        my.setSeed(5);
        const out = loss === 'klDivergence' ? 'softmax' : loss === 'poisson' ? 'softplus' : 'linear';
        const m = my.sequential([my.layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), my.layers.dense({ units: 2, activation: out })]);
        m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss });
        const x = my.tensor(Array.from({ length: 96 }, (_, i) => Math.sin(i * 0.7)), [32, 3]);
        const y = my.tensor(Array.from({ length: 32 }, (_, i) => (Math.sin(i * 2.1) > 0 ? [1, 0] : [0, 1])));
        const h = await m.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
        expect([loss, h.params.strategy]).toEqual([loss, 'native-epochs']);
        expect(h.history.loss[29]).toBeLessThan(h.history.loss[0]);
        m.dispose();
      }
    } finally {
      my.setBackend('reference');
    }
  });
});
