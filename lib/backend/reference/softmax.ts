/**
 * Reference row-wise softmax / log-softmax with its gradient, and softmax cross-entropy from logits with its
 * gradient. Accumulation in float64.
 */

/** The maximum of the row x[off .. off + cols) and sum_j exp(x_j - max), in float64. */
function rowMaxSum(x: Float32Array, off: number, cols: number): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(x[off + j] - max);
  return { max, sum };
}

/**
 * Row-wise softmax of a [rows, cols] matrix: y_j = exp(x_j - max) / sum_k exp(x_k - max); with `log`,
 * y_j = x_j - max - log(sum_k exp(x_k - max)). Stable for any finite logits.
 */
export function softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const { max, sum } = rowMaxSum(x, off, cols);
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) {
      const s = x[off + j] - max;
      out[off + j] = log ? s - logSum : Math.exp(s) / sum;
    }
  }
}

/**
 * Gradient of the row-wise softmax given its output y: softmax: dx = y * (dy - sum_j dy_j y_j);
 * log-softmax: dx = dy - exp(y) * sum_j dy_j.
 */
export function softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number,
  log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += log ? dy[off + j] : dy[off + j] * y[off + j];
    for (let j = 0; j < cols; j++) {
      dx[off + j] = log ? dy[off + j] - Math.exp(y[off + j]) * s : y[off + j] * (dy[off + j] - s);
    }
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
    const { max, sum } = rowMaxSum(logits, off, cols);
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
