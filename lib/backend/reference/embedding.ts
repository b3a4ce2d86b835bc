/** Reference embedding kernels: lookup of rows by float ids held in a buffer, and the scatter-add gradient. */

/** The row of a float id, or -1 when it is not an integer in [0, rows). */
function rowOf(id: number, rows: number): number {
  return Number.isInteger(id) && id >= 0 && id < rows ? id : -1;
}

/** out[i, :] = table[ids[i], :] for i < count; a row of NaN for an id outside [0, rows) or not an integer. */
export function embeddingLookup(table: Float32Array, ids: Float32Array, out: Float32Array, count: number, rowSize: number): void {
  if (rowSize === 0) return;
  const rows = Math.floor(table.length / rowSize);
  for (let i = 0; i < count; i++) {
    const r = rowOf(ids[i], rows);
    if (r < 0) out.fill(NaN, i * rowSize, (i + 1) * rowSize);
    else out.set(table.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
}

/** dTable = 0, then dTable[ids[i], :] += dy[i, :] in id order (invalid ids skipped). */
export function embeddingGrad(dy: Float32Array, ids: Float32Array, dTable: Float32Array, count: number, rowSize: number): void {
  dTable.fill(0);
  if (rowSize === 0) return;
  const rows = Math.floor(dTable.length / rowSize);
  for (let i = 0; i < count; i++) {
    const r = rowOf(ids[i], rows);
    if (r < 0) continue;
    const dst = r * rowSize;
    const src = i * rowSize;
    for (let c = 0; c < rowSize; c++) dTable[dst + c] += dy[src + c];
  }
}
