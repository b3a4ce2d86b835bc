/**
 * Conformance of the optimizer kernels: every variant, 3 steps on five parameter tensors (sizes 1, 129, 1000, 2049, 70001:
 * the last two span several of the cuda kernel's chunks and end inside a pass of its threads).
 */
import type { Backend } from '../../lib/backend/backend';
import { describeFamily } from './backends';
import type { Tolerance } from './compare';
import { checkAgainstReference, maxAbs, type ToleranceSpec } from './harness';
import { Rng } from './prng';

const PARAM_SIZES = [1, 129, 1000, 2049, 70001];
/**
 * 1e-5 relative, plus an absolute term scaled by the buffer's largest magnitude: a momentum buffer
 * buf = momentum * buf + g / denom can cancel terms of size ~10 down to ~0.1, and float32 rounding of those
 * terms (~1e-6 each) survives the cancellation.
 */
const TOL = (want: Float32Array): Tolerance => ({ rtol: 1e-5, atol: 1e-6 + 4e-7 * maxAbs(want) });

/** The state slots an optimizer keeps per parameter (each one a buffer of the parameter's size). */
type Slot = 'a' | 'b' | 'c';
/**
 * One optimizer call, given per-tensor lists of params, grads and state slots and the optimizer's `hyper` buffer
 * [learningRate, stepsDone] (the call reads its step number there and advances it).
 */
type StepCall = (be: Backend<unknown>, p: unknown[], g: unknown[], s: Record<Slot, unknown[]>, h: unknown) => void;

/** Name, state slots, learning rate, call. */
const VARIANTS: Array<[string, Slot[], number, StepCall]> = [
  ['sgd (pytorch)', [], 0.1, (be, p, g, _s, h) => be.sgdStep(p, g, [], h, 0, false, 0, false)],
  ['sgd (keras)', [], 0.1, (be, p, g, _s, h) => be.sgdStep(p, g, [], h, 0, false, 0, true)],
  ['sgd + weight decay (pytorch)', [], 0.05, (be, p, g, _s, h) => be.sgdStep(p, g, [], h, 0, false, 0.01, false)],
  ['sgd + weight decay (keras)', [], 0.05, (be, p, g, _s, h) => be.sgdStep(p, g, [], h, 0, false, 0.01, true)],
  ['sgd momentum (pytorch)', ['a'], 0.1, (be, p, g, s, h) => be.sgdStep(p, g, s.a, h, 0.9, false, 0, false)],
  ['sgd momentum (keras)', ['a'], 0.1, (be, p, g, s, h) => be.sgdStep(p, g, s.a, h, 0.9, false, 0, true)],
  ['sgd momentum nesterov + wd (pytorch)', ['a'], 0.1, (be, p, g, s, h) => be.sgdStep(p, g, s.a, h, 0.9, true, 0.01, false)],
  ['sgd momentum nesterov + wd (keras)', ['a'], 0.1, (be, p, g, s, h) => be.sgdStep(p, g, s.a, h, 0.9, true, 0.01, true)],
  ['adam (pytorch)', ['a', 'b'], 1e-3, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-7, 0, false, false)],
  ['adam (keras)', ['a', 'b'], 1e-3, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-7, 0, false, true)],
  ['adam + L2 weight decay (pytorch)', ['a', 'b'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-8, 0.01, false, false)],
  ['adam + L2 weight decay (keras)', ['a', 'b'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-8, 0.01, false, true)],
  ['adamw (decoupled) (pytorch)', ['a', 'b'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-7, 0.1, true, false)],
  ['adamw (decoupled) (keras)', ['a', 'b'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, [], h, 0.9, 0.999, 1e-7, 0.1, true, true)],
  ['adam amsgrad (pytorch)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, s.c, h, 0.8, 0.99, 1e-7, 0, false, false)],
  ['adam amsgrad (keras)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, s.c, h, 0.8, 0.99, 1e-7, 0, false, true)],
  ['adamw amsgrad (pytorch)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, s.c, h, 0.9, 0.999, 1e-7, 0.05, true, false)],
  ['adamw amsgrad (keras)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.adamStep(p, g, s.a, s.b, s.c, h, 0.9, 0.999, 1e-7, 0.05, true, true)],
  ['adagrad (pytorch)', ['a'], 0.1, (be, p, g, s, h) => be.adagradStep(p, g, s.a, h, 1e-7, 0, false)],
  ['adagrad (keras)', ['a'], 0.1, (be, p, g, s, h) => be.adagradStep(p, g, s.a, h, 1e-7, 0, true)],
  ['adagrad + wd (pytorch)', ['a'], 0.05, (be, p, g, s, h) => be.adagradStep(p, g, s.a, h, 1e-10, 0.01, false)],
  ['adagrad + wd (keras)', ['a'], 0.05, (be, p, g, s, h) => be.adagradStep(p, g, s.a, h, 1e-10, 0.01, true)],
  ['rmsprop (pytorch)', ['a'], 1e-3, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, [], [], h, 0.9, 0, 1e-7, false, 0, false)],
  ['rmsprop (keras)', ['a'], 1e-3, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, [], [], h, 0.9, 0, 1e-7, false, 0, true)],
  ['rmsprop centered (pytorch)', ['a', 'b'], 1e-3, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, s.b, [], h, 0.9, 0, 1e-7, true, 0, false)],
  ['rmsprop centered (keras)', ['a', 'b'], 1e-3, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, s.b, [], h, 0.9, 0, 1e-7, true, 0, true)],
  ['rmsprop momentum + wd (pytorch)', ['a', 'c'], 1e-2, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, [], s.c, h, 0.99, 0.9, 1e-8, false, 0.01, false)],
  ['rmsprop momentum + wd (keras)', ['a', 'c'], 1e-2, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, [], s.c, h, 0.99, 0.9, 1e-8, false, 0.01, true)],
  ['rmsprop centered momentum (pytorch)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, s.b, s.c, h, 0.9, 0.5, 1e-7, true, 0, false)],
  ['rmsprop centered momentum (keras)', ['a', 'b', 'c'], 1e-2, (be, p, g, s, h) => be.rmspropStep(p, g, s.a, s.b, s.c, h, 0.9, 0.5, 1e-7, true, 0, true)],
];

describeFamily('optimizers', () => {
  test.each(VARIANTS)(`%s: 3 steps on tensors of sizes ${PARAM_SIZES.join(', ')}`, (name, slots, lr, step) => {
    const rng = new Rng(name.length * 97);
    // State carried over between steps: the reference's results feed both backends' next step.
    const host: Record<string, Float32Array> = {};
    PARAM_SIZES.forEach((n, i) => {
      host[`p${i}`] = rng.uniform(n, -2, 2);
      for (const s of slots) host[`${s}${i}`] = new Float32Array(n);
    });
    host.hyper = new Float32Array([lr, 0]);  // each step advances the count: [lr, 1] after step 1, and so on
    for (let t = 1; t <= 3; t++) {
      PARAM_SIZES.forEach((n, i) => { host[`g${i}`] = rng.uniform(n, -1, 1); });
      const check: Record<string, ToleranceSpec> = {};
      for (const k of Object.keys(host)) if (!k.startsWith('g')) check[k] = TOL;
      const want = checkAgainstReference(host, (be, b) => {
        const list = (prefix: string) => PARAM_SIZES.map((_, i) => b[`${prefix}${i}`]);
        step(be, list('p'), list('g'), { a: list('a'), b: list('b'), c: list('c') }, b.hyper);
      }, check, `${name} step ${t}`);
      Object.assign(host, want);
    }
  });
});
