/**
 * Forward values and gradients of the embedding, layer-normalization and batch-normalization layers against PyTorch
 * (F.embedding, F.layer_norm, F.batch_norm in training and eval; benchmarks/python/embed_norm_torch.py), on every
 * backend that loads. Needs /usr/bin/python3 with torch, as test/parity/torch-parity.test.ts (same skip rule).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { pythonPath, repoRoot } from '../../benchmarks/peers';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';

const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1';

const vals = (n: number, seed: number, lo = -2, hi = 2) => Array.from(randomValues(n, seed, lo, hi));

const EMB = { kind: 'embedding', tableShape: [9, 5], table: vals(45, 1), idsShape: [4, 3], ids: [0, 3, 3, 8, 1, 0, 3, 7, 2, 2, 2, 5], dy: vals(60, 2) };
const LN = { kind: 'layerNorm', shape: [6, 7], normalizedRank: 1, epsilon: 1e-3, x: vals(42, 3, -3, 3), gamma: vals(7, 4, 0.5, 1.5), beta: vals(7, 5), dy: vals(42, 6) };
const LN2 = { kind: 'layerNorm', shape: [3, 4, 5], normalizedRank: 2, epsilon: 1e-5, x: vals(60, 7, -3, 3), gamma: vals(20, 8, 0.5, 1.5), beta: vals(20, 9), dy: vals(60, 10) };
const bn = (training: boolean) => ({ kind: 'batchNorm', training, shape: [8, 3, 4], momentum: 0.99, epsilon: 1e-3, x: vals(96, 11, -3, 3),
  gamma: vals(3, 12, 0.5, 1.5), beta: vals(3, 13), movingMean: vals(3, 14, -0.5, 0.5), movingVariance: vals(3, 15, 0.5, 2), dy: vals(96, 16) });
const CASES = { emb: EMB, ln: LN, ln2: LN2, bnTrain: bn(true), bnEval: bn(false) };

type Figures = Record<string, number[]>;
let figures: Record<string, Figures> | null = null;
let version = '';
if (torch.ok) {
  const r = spawnSync(pythonPath(), [path.join(repoRoot(), 'benchmarks', 'python', 'embed_norm_torch.py')], { input: JSON.stringify(CASES), encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) {
    const parsed = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
    version = String(parsed._torch);
    figures = parsed as unknown as Record<string, Figures>;
  } else {
    throw new Error(`embed_norm_torch.py failed (exit ${r.status}): ${r.stderr}`);
  }
}

/** Largest |a - b| over two arrays of the same length. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs layer on x (training or not) with upstream gradient dy; returns y and the gradients of x and the weights. */
function forwardBackward(layer: my.layers.Layer, x: my.Tensor, dy: my.Tensor, training: boolean, withX: boolean): { y: Float32Array; grads: Float32Array[] } {
  const xv = my.variable(x, true, 'x');
  const vars = withX ? [xv, ...layer.trainableWeights] : layer.trainableWeights;
  let y: Float32Array = new Float32Array(0);
  const { value, grads } = my.valueAndGrads(() => {
    const out = layer.apply(withX ? xv : x, training);
    y = out.dataSync().slice();
    return my.sum(my.mul(out, dy));
  }, vars);
  value.dispose();
  const res = grads.map((g) => g.dataSync().slice());
  grads.forEach((g) => g.dispose());
  xv.dispose();
  return { y, grads: res };
}

// Measured here: at most 9.5e-7 on reference and cpu (float32 rounding); five times that allows for other summation orders.
const TOL = 5e-6;

describe('embedding and normalization layers against PyTorch', () => {
  if (!torch.ok && skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => expect(skip).toBe(true));
    return;
  }
  test('PyTorch is importable', () => {
    if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    expect(version).not.toBe('');

  });

  describe.each(availableBackends())('$label', ({ name, options }) => {
    beforeAll(() => my.setBackend(name, options));
    afterAll(() => my.setBackend('reference'));
    const want = (k: string) => (figures as Record<string, Figures>)[k];

    test('embedding: output and table gradient equal F.embedding', () => {
      const layer = my.layers.embedding({ inputDim: 9, outputDim: 5 });
      const ids = my.tensor(EMB.ids, EMB.idsShape);
      layer.apply(ids).dispose();
      layer.setWeights([my.tensor(EMB.table, EMB.tableShape)]);
      const { y, grads } = forwardBackward(layer, ids, my.tensor(EMB.dy, [4, 3, 5]), true, false);
      expect(maxDiff(y, want('emb').y)).toBe(0);
      expect(maxDiff(grads[0], want('emb').dTable)).toBeLessThanOrEqual(1e-6);
    });

    test.each([['ln', LN], ['ln2', LN2]] as const)('layerNormalization (%s): y, dx, dgamma, dbeta within 5e-6 of F.layer_norm', (key, c) => {
      const axis = c.normalizedRank === 1 ? -1 : [1, 2];
      const layer = my.layers.layerNormalization({ axis, epsilon: c.epsilon });
      const x = my.tensor(c.x, c.shape);
      layer.apply(x).dispose();
      const normShape = c.shape.slice(c.shape.length - c.normalizedRank);
      layer.setWeights([my.tensor(c.gamma, normShape), my.tensor(c.beta, normShape)]);
      const { y, grads } = forwardBackward(layer, x, my.tensor(c.dy, c.shape), true, true);
      expect(maxDiff(y, want(key).y)).toBeLessThanOrEqual(TOL);
      expect(maxDiff(grads[0], want(key).dx)).toBeLessThanOrEqual(TOL);
      expect(maxDiff(grads[1], want(key).dgamma)).toBeLessThanOrEqual(TOL * 10);
      expect(maxDiff(grads[2], want(key).dbeta)).toBeLessThanOrEqual(TOL * 10);
    });

    test.each([['bnTrain', true], ['bnEval', false]] as const)('batchNormalization axis 1 (%s): y, dx, dgamma, dbeta and moving statistics as F.batch_norm', (key, training) => {
      const c = bn(training);
      const layer = my.layers.batchNormalization({ axis: 1, momentum: c.momentum, epsilon: c.epsilon });
      const x = my.tensor(c.x, c.shape);
      layer.apply(x).dispose();
      layer.setWeights([my.tensor(c.gamma, [3]), my.tensor(c.beta, [3]), my.tensor(c.movingMean, [3]), my.tensor(c.movingVariance, [3])]);
      const { y, grads } = forwardBackward(layer, x, my.tensor(c.dy, c.shape), training, true);
      const w = want(key);
      expect(maxDiff(y, w.y)).toBeLessThanOrEqual(TOL);
      expect(maxDiff(grads[0], w.dx)).toBeLessThanOrEqual(TOL * 5);
      expect(maxDiff(grads[1], w.dgamma)).toBeLessThanOrEqual(TOL * 20);
      expect(maxDiff(grads[2], w.dbeta)).toBeLessThanOrEqual(TOL * 20);
      const mm = (layer.movingMean as my.Variable).dataSync();
      const mv = (layer.movingVariance as my.Variable).dataSync();
      expect(maxDiff(mm, w.movingMean)).toBeLessThanOrEqual(1e-6);
      // PyTorch's running variance uses the unbiased batch variance, Keras (and myelin) the biased one: n = 8 * 4
      // values per channel, so the torch update (1 - m) * var * n / (n - 1) is rescaled by (n - 1) / n to compare.
      const n = 32;
      const keras = w.movingVariance.map((v, i) => (training ? c.movingVariance[i] * c.momentum + (v - c.movingVariance[i] * c.momentum) * (n - 1) / n : v));
      expect(maxDiff(mv, keras)).toBeLessThanOrEqual(1e-6);
    });
  });
});
