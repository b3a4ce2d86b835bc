/**
 * The reference backend against numbers it did not compute: float64 PyTorch / NumPy values pasted in
 * golden-data.ts (see that file for versions; regenerate with test/reference/make-golden.py).
 */
import type { UnaryOp } from '../../lib/backend/kernel-ids';
import { createReferenceBackend } from '../../lib/backend/reference';
import { erf } from '../../lib/backend/reference/unary-math';
import { expectClose, type Tolerance } from '../conformance/compare';
import { GOLDEN } from './golden-data';

const be = createReferenceBackend();
const f32 = (a: readonly number[]) => Float32Array.from(a);
/** Float32 storage of float64 golden values: a few ulps of float32 plus float32 state between steps. */
const TOL: Tolerance = { rtol: 2e-6, atol: 1e-9 };

describe('reference backend vs PyTorch/NumPy golden values', () => {
  test('erf matches Python math.erf to 1e-14', () => {
    GOLDEN.erf.x.forEach((x, i) => expect(Math.abs(erf(x) - GOLDEN.erf.y[i])).toBeLessThanOrEqual(1e-14 * Math.abs(GOLDEN.erf.y[i])));
  });

  test.each(Object.keys(GOLDEN.unary))('unary %s and its gradient (dy = 1)', (name) => {
    const { param, y, dx } = GOLDEN.unary[name as keyof typeof GOLDEN.unary];
    const op = name as UnaryOp;
    const x = f32(GOLDEN.unary_x);
    const n = x.length;
    const out = new Float32Array(n);
    be.unary(op, x, out, n, param);
    expectClose(out, y, TOL, `${name} forward`);
    const grad = new Float32Array(n);
    be.unaryGrad(op, x, out, new Float32Array(n).fill(1), grad, n, param);
    expectClose(grad, dx, TOL, `${name} gradient`);
  });

  test.each(['sub', 'mul', 'pow'] as const)('broadcast %s of [2,3,1] and [1,4]', (op) => {
    const g = GOLDEN.broadcast;
    const out = new Float32Array(24);
    be.binary(op, f32(g.a), [3, 1, 0], f32(g.b), [0, 0, 1], out, [2, 3, 4]);
    expectClose(out, g[op], TOL, op);
  });

  test.each([[false, false], [true, false], [false, true], [true, true]])('gemm 3x4 @ 4x2 transA=%s transB=%s', (ta, tb) => {
    const g = GOLDEN.gemm;
    const out = f32(g.C);
    be.gemm(f32(ta ? g.At : g.A), f32(tb ? g.Bt : g.B), out, 3, 2, 4, ta, tb, g.alpha, g.beta);
    expectClose(out, g.out, TOL, 'gemm');
  });

  test('softmax / log-softmax and gradients, incl. logits near 1000', () => {
    const g = GOLDEN.softmax;
    for (const log of [false, true]) {
      const y = new Float32Array(10);
      be.softmax(f32(g.z), y, 2, 5, log);
      expectClose(y, log ? g.logSoftmax : g.softmax, TOL, `log=${log} forward`);
      const dx = new Float32Array(10);
      be.softmaxGrad(y, f32(g.dy), dx, 2, 5, log);
      expectClose(dx, log ? g.dLogSoftmax : g.dSoftmax, { rtol: 2e-6, atol: 1e-7 }, `log=${log} gradient`);
    }
  });

  test.each([true, false])('softmax cross-entropy sparse=%s: loss, probs, gradient', (sparse) => {
    const g = GOLDEN.sce;
    const targets = f32(sparse ? g.idx : g.target);
    const probs = new Float32Array(9);
    const loss = new Float32Array(3);
    be.softmaxCrossEntropy(f32(g.logits), targets, probs, loss, 3, 3, sparse);
    const want = sparse ? g.sparse : g.dense;
    expectClose(probs, g.probs, TOL, 'probs');
    expectClose(loss, want.loss, TOL, 'loss');
    const dLogits = new Float32Array(9);
    be.softmaxCrossEntropyGrad(probs, targets, f32(g.dLoss), dLogits, 3, 3, sparse, 1, 1);
    expectClose(dLogits, want.grad, { rtol: 2e-6, atol: 1e-7 }, 'gradient');
  });
});

type OptName = Exclude<keyof typeof GOLDEN.optim, 'p0' | 'grads'>;
/**
 * One optimizer step on the reference backend, with state kept in `s` (created on first use) and the step number
 * in the optimizer's [learningRate, stepsDone] buffer, which each step advances.
 */
type Stepper = (p: Float32Array, g: Float32Array) => void;

function stepper(name: OptName): Stepper {
  const n = GOLDEN.optim.p0.length;
  const s = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const h = (lr: number) => new Float32Array([lr, 0]);
  switch (name) {
    case 'sgd': { const hy = h(0.1); return (p, g) => be.sgdStep([p], [g], [], hy, 0, false, 0, false); }
    case 'sgdMomentum': { const hy = h(0.1); return (p, g) => be.sgdStep([p], [g], [s[0]], hy, 0.9, false, 0.01, false); }
    case 'sgdNesterov': { const hy = h(0.1); return (p, g) => be.sgdStep([p], [g], [s[0]], hy, 0.9, true, 0.01, false); }
    case 'adam': { const hy = h(0.01); return (p, g) => be.adamStep([p], [g], [s[0]], [s[1]], [], hy, 0.9, 0.999, 1e-7, 0.01, false, false); }
    case 'adamw': { const hy = h(0.01); return (p, g) => be.adamStep([p], [g], [s[0]], [s[1]], [], hy, 0.9, 0.999, 1e-7, 0.1, true, false); }
    case 'adamAmsgrad': {
      const hy = h(0.01);
      return (p, g) => be.adamStep([p], [g], [s[0]], [s[1]], [s[2]], hy, 0.8, 0.99, 1e-7, 0, false, false);
    }
    case 'adagrad': { const hy = h(0.1); return (p, g) => be.adagradStep([p], [g], [s[0]], hy, 1e-10, 0.01, false); }
    case 'rmsprop': { const hy = h(0.01); return (p, g) => be.rmspropStep([p], [g], [s[0]], [], [], hy, 0.9, 0, 1e-7, false, 0, false); }
    case 'rmspropCenteredMomentum': {
      const hy = h(0.01);
      return (p, g) => be.rmspropStep([p], [g], [s[0]], [s[1]], [s[2]], hy, 0.9, 0.9, 1e-7, true, 0.01, false);
    }
  }
}

describe('reference optimizers vs torch.optim (same hyperparameters as make-golden.py)', () => {
  const names = Object.keys(GOLDEN.optim).filter((k) => k !== 'p0' && k !== 'grads') as OptName[];
  test.each(names)('%s: parameters after step 1 and step 3', (name) => {
    const step = stepper(name);
    const p = f32(GOLDEN.optim.p0);
    GOLDEN.optim.grads.forEach((g, i) => {
      step(p, f32(g));
      if (i === 0) expectClose(p, GOLDEN.optim[name].step1, { rtol: 2e-6, atol: 1e-7 }, `${name} step 1`);
    });
    expectClose(p, GOLDEN.optim[name].step3, { rtol: 2e-6, atol: 1e-7 }, `${name} step 3`);
  });
});
