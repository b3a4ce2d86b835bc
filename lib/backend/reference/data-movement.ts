/** Reference data-movement kernels: strided copy (transpose, slice, concat, pad, expand), row gather / scatter-add. */

/**
 * For every index tuple idx over `shape`: out[outOffset + idx . outStrides] (+)= x[xOffset + idx . xStrides].
 * With `accumulate` the value is added (in float64, then rounded) instead of written. Elements are visited in
 * row-major order of `shape`, so with accumulate repeated output positions sum every contribution.
 */
export function copyStrided(x: Float32Array, xOffset: number, xStrides: number[], out: Float32Array,
  outOffset: number, outStrides: number[], shape: number[], accumulate: boolean): void {
  const rank = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let ix = xOffset;
  let io = outOffset;
  for (let e = 0; e < total; e++) {
    out[io] = accumulate ? out[io] + x[ix] : x[ix];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ix += xStrides[d];
      io += outStrides[d];
      if (idx[d] < shape[d]) break;
      ix -= xStrides[d] * shape[d];
      io -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** out[i, :] = x[indices[i], :] for rows of `rowSize` floats. */
export function gatherRows(x: Float32Array, indices: Int32Array, out: Float32Array, rowSize: number): void {
  for (let i = 0; i < indices.length; i++) {
    out.set(x.subarray(indices[i] * rowSize, (indices[i] + 1) * rowSize), i * rowSize);
  }
}

/** dx[indices[i], :] += dy[i, :] in index order (repeated indices sum; dx is not cleared first). */
export function scatterAddRows(dy: Float32Array, indices: Int32Array, dx: Float32Array, rowSize: number): void {
  for (let i = 0; i < indices.length; i++) {
    const dst = indices[i] * rowSize;
    const src = i * rowSize;
    for (let c = 0; c < rowSize; c++) dx[dst + c] += dy[src + c];
  }
}
