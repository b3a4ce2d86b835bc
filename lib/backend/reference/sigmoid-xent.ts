/** Reference binary cross-entropy from logits and its gradient. */
import { unaryForward } from './unary-math';

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
