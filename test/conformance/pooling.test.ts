/**
 * Conformance cases of the pooling kernels (pool2d, pool2dGrad): every backend against the float64 reference, over
 * windows that overlap, skip elements, run off the border ('same' padding) and hold ties (small integers) and NaN.
 * Maxima and their gradients are exact (a chosen element, sums of the same dy values); averages within the
 * accumulation tolerance of their window.
 */
import { poolAxis } from '../../lib/ops/pooling';
import { describeFamily } from './backends';
import { accumulationTol, ELEMENTWISE_TOL, expectClose } from './compare';
import { checkAgainstReference, forEachBackend, maxAbs } from './harness';
import { Rng } from './prng';

/** [label, xShape [n, h, w, c], pool [ph, pw], strides [sh, sw], padding] */
type Case = [string, number[], number[], number[], 'valid' | 'same'];
const CASES: Case[] = [
  ['2x2 stride 2', [2, 6, 6, 3], [2, 2], [2, 2], 'valid'],
  ['3x3 stride 1 (overlapping)', [2, 5, 7, 4], [3, 3], [1, 1], 'valid'],
  ['3x3 stride 2 same (off the border)', [1, 7, 6, 5], [3, 3], [2, 2], 'same'],
  ['2x3 stride 3x1 same', [3, 5, 4, 2], [2, 3], [3, 1], 'same'],
  ['1-D: 1x4 stride 1x3', [2, 1, 11, 6], [1, 4], [1, 3], 'valid'],
  ['whole image (global pooling)', [4, 3, 5, 7], [3, 5], [1, 1], 'valid'],
  ['1x1', [1, 3, 3, 129], [1, 1], [1, 1], 'valid'],
  ['LeNet size 2x2', [2, 26, 26, 32], [2, 2], [2, 2], 'valid'],
];

function windowOf(xShape: number[], pool: number[], strides: number[], padding: 'valid' | 'same'): number[] {
  const a = poolAxis(xShape[1], pool[0], strides[0], padding, 'case');
  const b = poolAxis(xShape[2], pool[1], strides[1], padding, 'case');
  return [pool[0], pool[1], strides[0], strides[1], a.padBefore, b.padBefore, a.out, b.out];
}

describeFamily('pooling', () => {
  test.each(CASES)('pool2d and pool2dGrad %s: max and mean, values and gradients', (label, xShape, pool, strides, padding) => {
    const win = windowOf(xShape, pool, strides, padding);
    const [n, , , c] = xShape;
    const inSize = xShape.reduce((p, d) => p * d, 1), outSize = n * win[6] * win[7] * c;
    const rng = new Rng(inSize + pool[0] * 7 + strides[1]);
    const inner = pool[0] * pool[1];
    for (const values of ['uniform', 'ties']) {
      const x = values === 'ties' ? rng.smallInts(inSize, -2, 2) : rng.uniform(inSize, -3, 3);
      const dy = rng.uniform(outSize, -1, 1);
      for (const max of [true, false]) {
        const what = `${label} ${values} ${max ? 'max' : 'mean'}`;
        checkAgainstReference({ x, y: new Float32Array(outSize) },
          (be, b) => be.pool2d(b.x, b.y, xShape, win, max),
          { y: max ? { rtol: 0, atol: 0 } : accumulationTol(inner, maxAbs(x)) }, `pool2d ${what}`);
        checkAgainstReference({ x, dy, dx: new Float32Array(inSize).fill(Number.NaN) },
          (be, b) => be.pool2dGrad(max ? b.x : null, b.dy, b.dx, xShape, win, max),
          { dx: max ? accumulationTol(inner, maxAbs(dy)) : accumulationTol(inner, maxAbs(dy)) }, `pool2dGrad ${what}`);
      }
    }
  });

  test('pool2d: NaN propagates through the max and its window\'s gradient goes to the NaN', () => {
    const xShape = [1, 4, 4, 2], win = [2, 2, 2, 2, 0, 0, 2, 2];
    const x = new Rng(5).uniform(32, -1, 1);
    x[(1 * 4 + 1) * 2] = Number.NaN;       // window (0, 0), channel 0, not its first element
    x[(2 * 4 + 3) * 2 + 1] = Infinity;     // window (1, 1), channel 1
    const want = checkAgainstReference({ x, y: new Float32Array(8) }, (be, b) => be.pool2d(b.x, b.y, xShape, win, true),
      { y: { rtol: 0, atol: 0 } }, 'pool2d NaN');
    expect(Number.isNaN(want.y[0])).toBe(true);
    expect(want.y[7]).toBe(Infinity);
    const dy = new Float32Array(8).fill(1);
    const grad = checkAgainstReference({ x, dy, dx: new Float32Array(32) },
      (be, b) => be.pool2dGrad(b.x, b.dy, b.dx, xShape, win, true), { dx: { rtol: 0, atol: 0 } }, 'pool2dGrad NaN');
    expect(grad.dx[(1 * 4 + 1) * 2]).toBe(1);
    expect(grad.dx.reduce((s, v) => s + v, 0)).toBe(8);
  });

  test('pool2d and pool2dGrad: an empty batch or no channels writes nothing and is no error', () => forEachBackend((entry) => {
    const be = entry.backend;
    for (const xShape of [[0, 4, 4, 3], [2, 4, 4, 0]]) {
      const x = be.alloc(1, true), y = be.alloc(1, true);
      try {
        be.pool2d(x, y, xShape, [2, 2, 2, 2, 0, 0, 2, 2], true);
        be.pool2dGrad(null, y, x, xShape, [2, 2, 2, 2, 0, 0, 2, 2], false);
        expectClose(be.download(y), [0], ELEMENTWISE_TOL, `${entry.name} empty pool2d`);
      } finally {
        be.free(x); be.free(y);
      }
    }
  }));

  test('pool2d: a window that starts outside x or a buffer too short is a RangeError naming the argument', () => forEachBackend((entry) => {
    const be = entry.backend;
    if (entry.name === 'reference') return;
    const x = be.alloc(32, true), y = be.alloc(8, true);
    try {
      expect(() => be.pool2d(x, y, [1, 4, 4, 2], [2, 2, 2, 2, 0, 0, 3, 2], true)).toThrow(/window/);
      expect(() => be.pool2d(x, y, [1, 4, 4, 2], [2, 2, 2, 2, 2, 0, 2, 2], true)).toThrow(/padTop/);
      expect(() => be.pool2d(x, y, [1, 4, 4, 2], [2, 2, 1, 1, 0, 0, 3, 3], true)).toThrow(/y/);
      expect(() => be.pool2dGrad(null, y, x, [1, 4, 4, 2], [2, 2, 2, 2, 0, 0, 2, 2], true)).toThrow(/x/);
    } finally {
      be.free(x); be.free(y);
    }
  }));
});
