/**
 * Reference reductions: sum / max / min / argmax over the middle axis of an [outer, mid, inner] view, and
 * row-wise softmax / log-softmax with their gradients. Accumulation in float64.
 */
import type { ReduceOp } from '../kernel-ids';

/**
 * out[o, i] = op over m of x[o, m, i]. sum of an empty axis is 0; mean is fround(fround(sum) * (1 / mid)), as
 * sum then unary scale give (NaN for an empty axis); argmax writes the first index of the maximum (as a float);
 * max / min / argmax propagate NaN (a NaN is the maximum; argmax picks the first NaN).
 */
export function reduce(op: ReduceOp, x: Float32Array, out: Float32Array, outer: number, mid: number,
                       inner: number): void {
  const summing = op === 'sum' || op === 'mean';
  const scale = 1 / mid;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * mid * inner + i;
      let acc = summing ? 0 : x[base];
      let arg = 0;
      for (let m = summing ? 0 : 1; m < mid; m++) {
        const v = x[base + m * inner];
        if (summing) acc += v;
        else if (Number.isNaN(acc)) break;
        else if (Number.isNaN(v) || (op === 'min' ? v < acc : v > acc)) { acc = v; arg = m; }
      }
      out[o * inner + i] = op === 'argmax' ? arg : op === 'mean' ? Math.fround(acc) * scale : acc;
    }
  }
}

/**
 * Row-wise softmax of a [rows, cols] matrix: y_j = exp(x_j - max) / sum_k exp(x_k - max); with `log`,
 * y_j = x_j - max - log(sum_k exp(x_k - max)). Stable for any finite logits.
 */
export function softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[off + j] - max);
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
