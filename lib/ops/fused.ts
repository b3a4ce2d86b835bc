/**
 * Fused training ops. Each has the same meaning as the composed ops it replaces (tested against them)
 * but runs as one backend kernel forward and few kernels backward.
 */
import { needsGradient, record, retainForGradient, willRecord } from '../autograd/tape';
import type { Backend } from '../backend/backend';
import type { UnaryOp } from '../backend/kernel-ids';
import { ShapeError, ValueError, describe } from '../errors';
import { sizeOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { activationGrad } from './activation-grad';
import { checkRank, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

/** Activations the fused dense op applies in its epilogue. */
export const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'gelu', 'silu', 'softplus'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

/** A new tensor of `shape` = op(a) op(b) for a and b read as [m, k] and [k, n] matrices (transposed as asked). */
function gemmInto(backend: Backend, a: Tensor, b: Tensor, shape: number[], m: number, n: number, k: number, transA: boolean, transB: boolean): Tensor {
  const out = empty(shape, k === 0);
  if (m > 0 && n > 0 && k > 0) backend.gemm(a.storage, b.storage, out.storage, m, n, k, transA, transB, 1, 0);
  return out;
}

/** The sums over the m rows of x read as [m, n]: [n]. */
function columnSums(backend: Backend, x: Tensor, m: number, n: number): Tensor {
  const out = empty([n], m === 0);
  if (m > 0 && n > 0) backend.reduce('sum', x.storage, out.storage, 1, m, n);
  return out;
}

/**
 * activation(x @ w + bias): x [m, k] (or [..., k]: every leading axis is a row, as a dense layer applies to each
 * step of a sequence, with no reshaped copy), w [k, n], bias [n] or null; the result is [m, n] (or [..., n]).
 * `param` is the activation's parameter (leakyRelu / elu alpha).
 * Backward: dz = dy * act'(z); dx = dz w^T; dw = x^T dz; dbias = sum_rows dz.
 */
export function dense(x: Tensor, w: Tensor, bias: Tensor | null, activation: DenseActivation = 'linear', param = 0): Tensor {
  checkTensor(x, 'dense', 'x');
  checkTensor(w, 'dense', 'kernel');
  if (bias !== null) checkTensor(bias, 'dense', 'bias');
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new ValueError(`dense: activation must be one of ${DENSE_ACTIVATIONS.join(', ')}, got ${describe(activation)}`);
  if (x.rank < 2) throw new ShapeError(`dense: x must have rank 2 or more ([rows, features] or [..., features]), got shape [${x.shape.join(', ')}]`);
  checkRank(w, 2, 'dense', 'kernel');
  const backend = bias ? commonBackend('dense', x, w, bias) : commonBackend('dense', x, w);
  const k = x.shape[x.rank - 1];
  const m = sizeOf(x.shape.slice(0, -1));
  const n = w.shape[1];
  const outShape = [...x.shape.slice(0, -1), n];
  if (w.shape[0] !== k) throw new ShapeError(`dense: x has ${k} features per row but the kernel expects ${w.shape[0]} (kernel shape [${w.shape.join(', ')}])`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== n)) throw new ShapeError(`dense: bias must have shape [${n}], got [${bias.shape.join(', ')}]`);
  const op = activation as UnaryOp;
  const inputs = bias ? [x, w, bias] : [x, w];
  const y = empty(outShape, k === 0);
  // The pre-activation is kept only for a gradient rule that needs it; otherwise the activation runs in place
  // (a GPU backend can then fuse it into the GEMM). ReLU's derivative reads as well from its output: y > 0
  // exactly where z > 0.
  const z = op === 'linear' || op === 'relu' || !willRecord(inputs) ? y : empty(outShape.slice(), k === 0);
  if (m > 0 && n > 0) backend.denseForward(x.storage, w.storage, bias ? bias.storage : null, z.storage, y.storage, m, n, k, op, param);
  const wantDx = needsGradient(x);
  const recorded = record('dense', inputs, y, (dy) => {
    const { dz, dbias } = activationGrad(backend, op, z, y, dy, bias !== null, m, n, param);
    // No dx for an input that nothing differentiates (the batch itself): one GEMM of three saved.
    const grads: (Tensor | null)[] = [wantDx ? gemmInto(backend, dz, w, x.shape.slice(), m, k, n, false, true) : null,
      gemmInto(backend, x, dz, [k, n], k, n, m, true, false)];
    if (bias) grads.push(dbias ?? columnSums(backend, dz, m, n));
    return grads;
  });
  if (z !== y) {
    if (recorded) retainForGradient(z);
    else z.dispose();
  }
  return y;
}

/** The forward kernel of the softmax cross-entropy ops: checked inputs, the per-row losses and the probabilities. */
function crossEntropyRows(op: string, logits: Tensor, targets: Tensor, sparse: boolean) {
  checkTensor(logits, op, 'logits');
  checkTensor(targets, op, 'targets');
  checkRank(logits, 2, op, 'logits');
  const backend = commonBackend(op, logits, targets);
  const [rows, cols] = logits.shape;
  if (sparse ? targets.rank !== 1 || targets.shape[0] !== rows : targets.rank !== 2 || targets.shape[0] !== rows || targets.shape[1] !== cols) {
    throw new ShapeError(`${op}: targets must have shape [${sparse ? rows : `${rows}, ${cols}`}], got [${targets.shape.join(', ')}]`);
  }
  const probs = empty([rows, cols]);
  const loss = empty([rows]);
  if (rows > 0) backend.softmaxCrossEntropy(logits.storage, targets.storage, probs.storage, loss.storage, rows, cols, sparse);
  /** dLogits for the upstream gradient dLoss: one value per row (stride 1), or one for all rows times `scale`. */
  const gradient = (dLoss: Tensor, stride: 0 | 1, scale: number): Tensor => {
    const dLogits = empty([rows, cols]);
    if (rows > 0) backend.softmaxCrossEntropyGrad(probs.storage, targets.storage, dLoss.storage, dLogits.storage, rows, cols, sparse, stride, scale);
    return dLogits;
  };
  /** Keeps probs for a recorded gradient rule, else frees them. */
  const settle = (recorded: boolean): void => {
    if (recorded) retainForGradient(probs);
    else probs.dispose();
  };
  return { backend, rows, loss, gradient, settle };
}

/**
 * Per-row softmax cross-entropy from logits [rows, cols]: loss_r = -sum_j t_rj log softmax(logits)_rj.
 * `targets` are class indices [rows] when `sparse`, else distributions [rows, cols]. Returns [rows].
 * Backward: dlogits = dloss_r * (softmax(logits) - t); targets get no gradient.
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor, sparse: boolean): Tensor {
  const ce = crossEntropyRows('softmaxCrossEntropy', logits, targets, sparse);
  ce.settle(record('softmaxCrossEntropy', [logits, targets], ce.loss, (dLoss) => [ce.gradient(dLoss, 1, 1), null]));
  return ce.loss;
}

/**
 * The mean over rows of `softmaxCrossEntropy(logits, targets, sparse)`, a scalar: the same value as
 * `mean(softmaxCrossEntropy(...))` and the same gradient, dlogits = (dy / rows) (softmax(logits) - t), in one
 * kernel backward instead of three (the mean's spread and scale are folded into the cross-entropy's gradient).
 */
export function meanSoftmaxCrossEntropy(logits: Tensor, targets: Tensor, sparse: boolean): Tensor {
  const ce = crossEntropyRows('meanSoftmaxCrossEntropy', logits, targets, sparse);
  const { backend, rows, loss } = ce;
  // The same kernel `mean` runs, so the value is the same to the bit.
  const value = empty([]);
  backend.reduce('mean', loss.storage, value.storage, 1, rows, 1);
  loss.dispose();
  ce.settle(record('meanSoftmaxCrossEntropy', [logits, targets], value, (dy) => [ce.gradient(dy, 0, 1 / rows), null]));
  return value;
}

/** The forward kernel of the sigmoid cross-entropy ops: checked inputs and the elementwise losses. */
function sigmoidCrossEntropyElements(op: string, logits: Tensor, targets: Tensor) {
  checkTensor(logits, op, 'logits');
  checkTensor(targets, op, 'targets');
  const backend = commonBackend(op, logits, targets);
  if (targets.rank !== logits.rank || targets.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(`${op}: targets must have the shape of logits [${logits.shape.join(', ')}], got [${targets.shape.join(', ')}]`);
  }
  const n = logits.size;
  const loss = empty(logits.shape.slice());
  if (n > 0) backend.sigmoidCrossEntropy(logits.storage, targets.storage, loss.storage, n);
  /** dLogits for the upstream gradient dLoss: one value per element (stride 1), or one for all times `scale`. */
  const gradient = (dLoss: Tensor, stride: 0 | 1, scale: number): Tensor => {
    const dLogits = empty(logits.shape.slice());
    if (n > 0) backend.sigmoidCrossEntropyGrad(logits.storage, targets.storage, dLoss.storage, dLogits.storage, n, stride, scale);
    return dLogits;
  };
  return { backend, n, loss, gradient };
}

/**
 * Binary cross-entropy from logits, elementwise: loss = softplus(x) - x t = -(t log s(x) + (1 - t) log(1 - s(x)))
 * with s the sigmoid, stable for any logit (the value `sub(softplus(x), mul(x, t))` gives, in one kernel).
 * `targets` has the shape of `logits`. Backward: dlogits = dloss (s(x) - t); targets get no gradient.
 */
export function sigmoidCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const ce = sigmoidCrossEntropyElements('sigmoidCrossEntropy', logits, targets);
  record('sigmoidCrossEntropy', [logits, targets], ce.loss, (dLoss) => [ce.gradient(dLoss, 1, 1), null]);
  return ce.loss;
}

/**
 * The mean over every element of `sigmoidCrossEntropy(logits, targets)`, a scalar: the same value as
 * `mean(sigmoidCrossEntropy(...))`, with the gradient dlogits = (dy / n) (s(x) - t) in one kernel.
 */
export function meanSigmoidCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const ce = sigmoidCrossEntropyElements('meanSigmoidCrossEntropy', logits, targets);
  const { backend, n, loss } = ce;
  const value = empty([]);
  backend.reduce('mean', loss.storage, value.storage, 1, n, 1);  // the kernel `mean` runs: the same value to the bit
  loss.dispose();
  record('meanSigmoidCrossEntropy', [logits, targets], value, (dy) => [ce.gradient(dy, 0, 1 / n), null]);
  return value;
}
