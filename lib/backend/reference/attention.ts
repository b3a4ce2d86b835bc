/** Reference attention kernels: the strided batched GEMM and the masked softmax, accumulating in float64. */

/**
 * For o < outer and h < inner: C_oh = alpha op(A_oh) op(B_oh) + beta C_oh, each matrix starting at
 * o xStrides[0] + h xStrides[1] with rows xStrides[2] apart (see the kernel table). `sizes` = [outer, inner, m,
 * n, k]. C is not read when beta is 0.
 */
export function batchedGemm(a: Float32Array, aStrides: number[], b: Float32Array, bStrides: number[], out: Float32Array,
  outStrides: number[], sizes: number[], transA: boolean, transB: boolean, alpha: number, beta: number): void {
  const [outer, inner, m, n, k] = sizes;
  const [aOuter, aInner, lda] = aStrides;
  const [bOuter, bInner, ldb] = bStrides;
  const [cOuter, cInner, ldc] = outStrides;
  // Element strides of op(a)[i, p] and op(b)[p, j].
  const [aRow, aCol] = transA ? [1, lda] : [lda, 1];
  const [bRow, bCol] = transB ? [1, ldb] : [ldb, 1];
  for (let o = 0; o < outer; o++) {
    for (let h = 0; h < inner; h++) {
      const a0 = o * aOuter + h * aInner, b0 = o * bOuter + h * bInner, c0 = o * cOuter + h * cInner;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += a[a0 + i * aRow + p * aCol] * b[b0 + p * bRow + j * bCol];
          const c = c0 + i * ldc + j;
          out[c] = beta === 0 ? alpha * acc : alpha * acc + beta * out[c];
        }
      }
    }
  }
}

/**
 * Softmax of x [batch, heads, rows, cols] over the entries (b, h, t, s) with mask[b, t, s] != 0 (no mask: all) and
 * s <= t when `causal`; 0 elsewhere, and a row without such entries is all 0.
 */
export function maskedSoftmax(x: Float32Array, mask: Float32Array | null, y: Float32Array, batch: number, heads: number,
  rows: number, cols: number, causal: boolean): void {
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < rows; t++) {
        const off = ((b * heads + h) * rows + t) * cols;
        const moff = (b * rows + t) * cols;
        const on = (s: number): boolean => (mask === null || mask[moff + s] !== 0) && (!causal || s <= t);
        let max = -Infinity;
        for (let s = 0; s < cols; s++) if (on(s)) max = Math.max(max, x[off + s]);
        let sum = 0;
        for (let s = 0; s < cols; s++) if (on(s)) sum += Math.exp(x[off + s] - max);
        for (let s = 0; s < cols; s++) y[off + s] = on(s) ? Math.exp(x[off + s] - max) / sum : 0;
      }
    }
  }
}
