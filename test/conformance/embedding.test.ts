/**
 * Conformance of the embedding kernels: embeddingLookup (ids as floats in a buffer) and embeddingGrad (clear, then
 * scatter-add with repeated ids), including the guard values for ids a compiled step could bring unchecked.
 */
import { describeFamily } from './backends';
import { accumulationTol, expectEqual } from './compare';
import { checkAgainstReference } from './harness';
import { Rng } from './prng';

/** count float ids in [0, rows). */
function floatIds(rng: Rng, count: number, rows: number): Float32Array {
  return Float32Array.from(rng.indices(count, rows));
}

describeFamily('embedding', () => {
  test.each([[1, 1, 1], [7, 3, 13], [129, 32, 50], [4096, 32, 2000], [0, 8, 5]])(
    'embeddingLookup / embeddingGrad (%i ids, rows of %i, table of %i rows)', (count, rowSize, rows) => {
      const rng = new Rng(count * 7 + rowSize + rows);
      const ids = floatIds(rng, count, rows);
      const table = rng.uniform(rows * rowSize);
      const got = checkAgainstReference({ table, ids, out: rng.uniform(count * rowSize) },
        (be, b) => be.embeddingLookup(b.table, b.ids, b.out, count, rowSize), { out: { rtol: 0, atol: 0 } }, 'embeddingLookup');
      for (let i = 0; i < count; i++) {
        expectEqual(got.out.subarray(i * rowSize, (i + 1) * rowSize), table.subarray(ids[i] * rowSize, (ids[i] + 1) * rowSize), `row ${i}`);
      }
      // dTable starts as garbage: the kernel clears it.
      const grad = checkAgainstReference({ dy: rng.uniform(count * rowSize), ids, dTable: rng.uniform(rows * rowSize) },
        (be, b) => be.embeddingGrad(b.dy, b.ids, b.dTable, count, rowSize), { dTable: accumulationTol(count / rows + 1) }, 'embeddingGrad');
      const touched = new Set(Array.from(ids));
      for (let r = 0; r < rows; r++) {
        if (!touched.has(r)) expectEqual(grad.dTable.subarray(r * rowSize, (r + 1) * rowSize), new Float32Array(rowSize), `untouched row ${r}`);
      }
    });

  test('embeddingGrad sums repeated ids (hand-computed)', () => {
    const got = checkAgainstReference({ dy: Float32Array.from([1, 2, 10, 20, 100, 200]), ids: Float32Array.from([2, 0, 2]), dTable: new Float32Array(6).fill(7) },
      (be, b) => be.embeddingGrad(b.dy, b.ids, b.dTable, 3, 2), { dTable: { rtol: 0, atol: 0 } }, 'embeddingGrad');
    expectEqual(got.dTable, [10, 20, 0, 0, 101, 202], 'dTable');
  });

  test('an id outside the table or not an integer gives a NaN row forward and nothing backward', () => {
    const ids = Float32Array.from([1, -1, 3, 0.5, NaN, 0]);
    const got = checkAgainstReference({ table: Float32Array.from([1, 2, 3, 4, 5, 6]), ids, out: new Float32Array(12) },
      (be, b) => be.embeddingLookup(b.table, b.ids, b.out, 6, 2), { out: { rtol: 0, atol: 0 } }, 'embeddingLookup bad ids');
    expectEqual(got.out, [3, 4, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 1, 2], 'rows');
    const grad = checkAgainstReference({ dy: new Float32Array(12).fill(1), ids, dTable: new Float32Array(6) },
      (be, b) => be.embeddingGrad(b.dy, b.ids, b.dTable, 6, 2), { dTable: { rtol: 0, atol: 0 } }, 'embeddingGrad bad ids');
    expectEqual(grad.dTable, [1, 1, 1, 1, 0, 0], 'dTable');
  });
});
