/**
 * Reference reductions: sum / max / min / argmax / mean over the middle axis of an [outer, mid, inner] view.
 * Accumulation in float64.
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
