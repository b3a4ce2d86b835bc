/**
 * Conformance of the data-movement kernels: copyStrided (transpose, slice, concat, permute, expand, accumulate),
 * gatherRows, scatterAddRows.
 */
import { describeFamily } from './backends';
import { accumulationTol, expectEqual } from './compare';
import { checkAgainstReference, contiguousStrides } from './harness';
import { Rng } from './prng';

/** A strided copy: source size, destination size, and the copyStrided arguments. */
interface CopyCase { label: string; xSize: number; outSize: number; xOffset: number; xStrides: number[];
  outOffset: number; outStrides: number[]; shape: number[] }

function transpose(r: number, c: number): CopyCase {
  return { label: `transpose ${r}x${c}`, xSize: r * c, outSize: r * c, xOffset: 0, xStrides: [1, c], outOffset: 0,
    outStrides: [r, 1], shape: [c, r] };
}

/** Permutes a contiguous [2,3,4,5] array by `perm`. */
function permute(perm: number[]): CopyCase {
  const shape = [2, 3, 4, 5];
  const src = contiguousStrides(shape);
  const outShape = perm.map((p) => shape[p]);
  return { label: `permute [2,3,4,5] by [${perm}]`, xSize: 120, outSize: 120, xOffset: 0, xStrides: perm.map((p) => src[p]),
    outOffset: 0, outStrides: contiguousStrides(outShape), shape: outShape };
}

const COPY_CASES: CopyCase[] = [
  transpose(1, 1), transpose(7, 129), transpose(129, 7), transpose(1000, 7), transpose(1, 1000),
  { label: 'slice rows 2..7, cols 3..9 of 10x12', xSize: 120, outSize: 30, xOffset: 27, xStrides: [12, 1], outOffset: 0,
    outStrides: [6, 1], shape: [5, 6] },
  { label: 'concat: 5x6 block into columns 8..13 of a 5x20', xSize: 30, outSize: 100, xOffset: 0, xStrides: [6, 1],
    outOffset: 8, outStrides: [20, 1], shape: [5, 6] },
  { label: 'pad: 7x7 into the middle of 9x9', xSize: 49, outSize: 81, xOffset: 0, xStrides: [7, 1], outOffset: 10,
    outStrides: [9, 1], shape: [7, 7] },
  { label: 'expand a row [1000] to [7,1000]', xSize: 1000, outSize: 7000, xOffset: 0, xStrides: [0, 1], outOffset: 0,
    outStrides: [1000, 1], shape: [7, 1000] },
  { label: 'every other element of 258', xSize: 258, outSize: 129, xOffset: 1, xStrides: [2], outOffset: 0, outStrides: [1],
    shape: [129] },
  permute([0, 2, 3, 1]), permute([3, 2, 1, 0]), permute([1, 0, 3, 2]),
  { label: 'empty shape [0,5]', xSize: 10, outSize: 10, xOffset: 0, xStrides: [5, 1], outOffset: 0, outStrides: [5, 1], shape: [0, 5] },
];

describeFamily('data movement', () => {
  describe.each([false, true])('copyStrided (accumulate=%s)', (accumulate) => {
    test.each(COPY_CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
      const rng = new Rng(c.xSize + c.outSize);
      checkAgainstReference({ x: rng.uniform(c.xSize), out: rng.uniform(c.outSize) },
        (be, b) => be.copyStrided(b.x, c.xOffset, c.xStrides, b.out, c.outOffset, c.outStrides, c.shape, accumulate),
        { out: accumulate ? accumulationTol(1) : { rtol: 0, atol: 0 } }, `copyStrided ${c.label}`);
    });
  });

  test.each([[129, 7], [1000, 1], [7, 1000]])('copyStrided accumulate into repeated positions (sum [%i,%i] over rows)', (rows, cols) => {
    const x = new Rng(rows).uniform(rows * cols);
    checkAgainstReference({ x, out: new Float32Array(cols) },
      (be, b) => be.copyStrided(b.x, 0, [cols, 1], b.out, 0, [0, 1], [rows, cols], true), { out: accumulationTol(rows) },
      'copyStrided sum over rows');
  });

  test.each([[1, 1], [7, 7], [129, 1], [1000, 129], [0, 7]])('gatherRows / scatterAddRows with repeated indices (%i indices, rows of %i)', (count, rowSize) => {
    const rng = new Rng(count * 3 + rowSize);
    const rows = 13;
    const indices = rng.indices(count, rows);
    const x = rng.uniform(rows * rowSize);
    const got = checkAgainstReference({ x, out: rng.uniform(count * rowSize) },
      (be, b) => be.gatherRows(b.x, indices, b.out, rowSize), { out: { rtol: 0, atol: 0 } }, 'gatherRows');
    for (let i = 0; i < count; i++) {
      expectEqual(got.out.subarray(i * rowSize, (i + 1) * rowSize), x.subarray(indices[i] * rowSize, (indices[i] + 1) * rowSize),
        `gatherRows row ${i}`);
    }
    checkAgainstReference({ dy: rng.uniform(count * rowSize), dx: rng.uniform(rows * rowSize) },
      (be, b) => be.scatterAddRows(b.dy, indices, b.dx, rowSize), { dx: accumulationTol(count / rows + 1) }, 'scatterAddRows');
  });

  test('copyStrided matches a hand-computed 2x3 transpose', () => {
    const got = checkAgainstReference({ x: Float32Array.from([1, 2, 3, 4, 5, 6]), out: new Float32Array(6) },
      (be, b) => be.copyStrided(b.x, 0, [1, 3], b.out, 0, [2, 1], [3, 2], false), { out: { rtol: 0, atol: 0 } }, 'transpose');
    expectEqual(got.out, [1, 4, 2, 5, 3, 6], 'transpose values');
  });
});
