/** Reference GEMM: a triple loop accumulating in float64. */

/**
 * out[m, n] = alpha * op(a) @ op(b) + beta * out with op(a) [m, k] (a stored [k, m] when transA) and
 * op(b) [k, n] (b stored [n, k] when transB). As in BLAS, out is not read when beta is 0 (NaN / Inf
 * already in out do not propagate), and k = 0 gives out = beta * out.
 */
export function gemm(a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, alpha: number, beta: number): void {
  // Element strides of op(a)[i, p] and op(b)[p, j].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
      const o = i * n + j;
      out[o] = beta === 0 ? alpha * acc : alpha * acc + beta * out[o];
    }
  }
}
