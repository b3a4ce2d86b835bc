/** Reference fused training ops: dense forward (GEMM + bias + activation) and softmax cross-entropy. */
import type { UnaryOp } from '../kernel-ids';
import { unaryGrad } from './elementwise';
import { reduce } from './reductions';
import { unaryForward } from './unary-math';

/**
 * z = x[m, k] @ w[k, n] + bias[n] (bias may be null), out = activation(z; param). The activation is applied
 * to z as stored (float32), so out equals `unary(activation, z)` exactly; `z` may be the same buffer as `out`.
 */
export function denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, z: Float32Array,
                             out: Float32Array, m: number, n: number, k: number, activation: UnaryOp,
                             param: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) acc += x[i * k + p] * w[p * n + j];
      const zij = Math.fround(acc);
      z[i * n + j] = zij;
      out[i * n + j] = unaryForward(activation, zij, param);
    }
  }
}

/**
 * dz = dy * f'(z; param) elementwise over [m, n] (as `unaryGrad`), then dbias[j] = sum_r dz[r, j] (as `reduce`
 * over the rows).
 */
export function biasActivationGrad(activation: UnaryOp, z: Float32Array, y: Float32Array, dy: Float32Array,
                                   dz: Float32Array, dbias: Float32Array, m: number, n: number, param: number): void {
  unaryGrad(activation, z, y, dy, dz, m * n, param);
  reduce('sum', dz, dbias, 1, m, n);
}

/** loss[i] = softplus(x[i]) - x[i] t[i], each term rounded to float32 (as the softplus, mul and sub kernels). */
export function sigmoidCrossEntropy(logits: Float32Array, targets: Float32Array, loss: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = logits[i];
    loss[i] = Math.fround(unaryForward('softplus', x, 0)) - Math.fround(x * targets[i]);
  }
}

/** dLogits[i] = g_i (sigmoid(x[i]) - t[i]), g_i = fround(dLoss[i * dLossStride] * dLossScale). */
export function sigmoidCrossEntropyGrad(logits: Float32Array, targets: Float32Array, dLoss: Float32Array,
                                        dLogits: Float32Array, n: number, dLossStride: 0 | 1, dLossScale: number): void {
  const scale = Math.fround(dLossScale);
  for (let i = 0; i < n; i++) {
    const g = Math.fround(dLoss[i * dLossStride] * scale);
    dLogits[i] = g * (unaryForward('sigmoid', logits[i], 0) - targets[i]);
  }
}

/** The target weight t[r, j]: one-hot of the class index when sparse, else the dense target. */
function targetAt(targets: Float32Array, r: number, j: number, cols: number, sparse: boolean): number {
  return sparse ? (targets[r] === j ? 1 : 0) : targets[r * cols + j];
}

/**
 * probs = softmax(logits) per row and loss[r] = -sum_j t[r, j] log probs[r, j], evaluated as
 * sum_j t[r, j] * ((max - z_j) + log sum_k exp(z_k - max)) — stable for any finite logits and exact also
 * when a dense target row does not sum to 1. Sparse targets hold class indices as floats.
 */
export function softmaxCrossEntropy(logits: Float32Array, targets: Float32Array, probs: Float32Array,
                                    loss: Float32Array, rows: number, cols: number, sparse: boolean): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[off + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[off + j] - max);
    const logSum = Math.log(sum);
    let l = 0;
    for (let j = 0; j < cols; j++) {
      const shifted = logits[off + j] - max;
      probs[off + j] = Math.exp(shifted) / sum;
      const t = targetAt(targets, r, j, cols, sparse);
      if (t !== 0) l += t * (logSum - shifted);
    }
    loss[r] = l;
  }
}

/**
 * dLogits[r, j] = g_r * (probs[r, j] * sum_i t[r, i] - t[r, j]), g_r = fround(dLoss[r * dLossStride] * dLossScale):
 * the exact gradient for any targets; g_r (probs - t) when each target row sums to 1 (always true for sparse
 * targets).
 */
export function softmaxCrossEntropyGrad(probs: Float32Array, targets: Float32Array, dLoss: Float32Array,
                                        dLogits: Float32Array, rows: number, cols: number, sparse: boolean,
                                        dLossStride: 0 | 1, dLossScale: number): void {
  const scale = Math.fround(dLossScale);
  for (let r = 0; r < rows; r++) {
    const g = Math.fround(dLoss[r * dLossStride] * scale);
    let total = 0;
    for (let j = 0; j < cols; j++) total += targetAt(targets, r, j, cols, sparse);
    for (let j = 0; j < cols; j++) {
      const o = r * cols + j;
      dLogits[o] = g * (probs[o] * total - targetAt(targets, r, j, cols, sparse));
    }
  }
}
