/** Tolerant comparison of kernel outputs, with a message naming the first element that differs. */

/** |got - want| <= atol + rtol * |want| per element (NaN matches NaN, equal infinities match). */
export interface Tolerance { rtol: number; atol: number }

/** Machine epsilon of float32 (2^-23): one ulp at 1. */
export const EPS32 = 2 ** -23;

/** Elementwise float32 kernels against the float64 reference: 1e-5 relative plus a tiny absolute term. */
export const ELEMENTWISE_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/** Tolerance for a sum / dot product over `inner` terms of magnitude up to `scale`: error grows with inner. */
export function accumulationTol(inner: number, scale = 1): Tolerance {
  return { rtol: 1e-5, atol: 1e-6 * Math.max(1, inner) * scale + 1e-6 };
}

/** Throws (failing the test) with the first differing index, both values and the tolerance used. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what: string): void {
  if (got.length !== want.length) {
    throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  }
  let bad = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    // g !== g is NaN: no global lookup per element (slow in jest's vm context even with Math injected).
    const ok = (g !== g && w !== w) || g === w || Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w);
    if (!ok) { bad++; if (first < 0) first = i; }
  }
  if (bad > 0) {
    throw new Error(`${what}: ${bad} of ${want.length} elements differ; first at [${first}]: got ${got[first]}, ` +
      `expected ${want[first]} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

/** Exact equality (for indices, copies, fills). */
export function expectEqual(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expectClose(got, want, { rtol: 0, atol: 0 }, what);
}

/**
 * Tolerance of softmax outputs over `cols` terms of logits up to `maxLogit` in magnitude: float32 sums lose up
 * to ~cols ulps in the worst case, and a float32 kernel may evaluate x - (max + log sum), whose rounding is an
 * ulp of the logit (6e-5 at 1000) — the same as perturbing the input by one ulp, so it is allowed.
 */
export function softmaxTol(cols: number, log: boolean, maxLogit: number): Tolerance {
  const conditioning = 2 * EPS32 * maxLogit;
  return log ? { rtol: 1e-5, atol: 1e-6 + 6e-8 * cols + conditioning } : { rtol: 1e-5 + 6e-8 * cols + conditioning, atol: 1e-9 };
}
