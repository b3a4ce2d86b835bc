/**
 * Conformance of the reduction kernels: reduce over [outer, mid, inner], argmax ties, softmax / log-softmax and
 * their gradients.
 */
import { REDUCE_OPS, type ReduceOp } from '../../lib/backend/kernel-ids';
import { describeFamily } from './backends';
import { accumulationTol, expectEqual, softmaxTol } from './compare';
import { checkAgainstReference, forEachBackend, maxAbs, runOn } from './harness';
import { Rng } from './prng';

/**
 * [outer, mid, inner] views covering mid = 1, a long middle axis, strided inner and the size list. The rows of
 * more than 8192 elements, when there are at most 64 of them, are the ones the cuda flavour splits across blocks
 * (a ragged last segment, 64 rows, and one row just over a segment). So are the column reductions of fewer
 * than 264 blocks of 32 columns over a middle axis of at least 2048 rows: segments of rows, a ragged last one,
 * several outer slices, and a middle axis just long enough.
 */
const VIEWS: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 1], [1, 1000, 1], [7, 129, 1], [1, 7, 129], [129, 1, 7], [7, 1, 1000], [3, 1000, 7],
  [129, 7, 7], [1000, 7, 1], [2, 129, 129], [0, 7, 3], [3, 7, 0],
  [1, 70001, 1], [3, 20000, 1], [64, 8193, 1],
  [1, 4096, 40], [1, 5003, 7], [3, 2049, 33], [1, 3000, 300], [2, 2048, 2],
];

describeFamily('reductions and softmax', () => {
  describe.each(Object.keys(REDUCE_OPS) as ReduceOp[])('reduce %s', (op) => {
    test.each(VIEWS)('[%i, %i, %i]', (outer, mid, inner) => {
      const x = new Rng(outer * 7919 + mid * 31 + inner).uniform(outer * mid * inner, -2, 2);
      const tol = op === 'sum' || op === 'mean' ? accumulationTol(mid, maxAbs(x)) : { rtol: 0, atol: 0 };
      checkAgainstReference({ x, out: new Float32Array(outer * inner).fill(NaN) },
        (be, b) => be.reduce(op, b.x, b.out, outer, mid, inner), { out: tol }, `reduce ${op} [${outer},${mid},${inner}]`);
    });
  });

  test('reduce sum over an empty middle axis gives 0, mean NaN', () => {
    checkAgainstReference({ x: new Float32Array(0), out: new Float32Array(15).fill(NaN) },
      (be, b) => be.reduce('sum', b.x, b.out, 3, 0, 5), { out: { rtol: 0, atol: 0 } }, 'reduce sum mid=0');
    const got = checkAgainstReference({ x: new Float32Array(0), out: new Float32Array(15) },
      (be, b) => be.reduce('mean', b.x, b.out, 3, 0, 5), { out: { rtol: 0, atol: 0 } }, 'reduce mean mid=0');
    expect(Array.from(got.out).every(Number.isNaN)).toBe(true);
  });

  test.each(VIEWS)('reduce mean [%i, %i, %i] is reduce sum then a scale by 1 / mid, to the bit', (outer, mid, inner) => {
    if (mid === 0) return;
    const x = new Rng(outer * 31 + mid * 7 + inner).uniform(outer * mid * inner, -2, 2);
    forEachBackend(({ name, backend: be }) => {
      const fused = runOn(be, { x, out: new Float32Array(outer * inner) }, (b) => be.reduce('mean', b.x, b.out, outer, mid, inner));
      const apart = runOn(be, { x, out: new Float32Array(outer * inner), sum: new Float32Array(outer * inner) }, (b) => {
        be.reduce('sum', b.x, b.sum, outer, mid, inner);
        if (outer * inner > 0) be.unary('scale', b.sum, b.out, outer * inner, 1 / mid);
      });
      expectEqual(fused.out, apart.out, `${name} reduce mean vs sum then scale`);
    });
  });

  test('reduce sum and argmax over one row of 4.2M elements (longer segments on cuda)', () => {
    const mid = 8192 * 512 + 4099;
    const x = new Float32Array(mid);  // a multiplicative hash: Rng would take seconds at this length
    for (let i = 0; i < mid; i++) x[i] = ((Math.imul(i, 2654435761) >>> 0) % 4001) / 1000 - 2;
    x[mid - 3] = 5;  // the maximum sits in the last segment
    checkAgainstReference({ x, out: new Float32Array(1).fill(NaN) },
      (be, b) => be.reduce('sum', b.x, b.out, 1, mid, 1), { out: accumulationTol(mid, 2) }, 'reduce sum, 4.2M');
    checkAgainstReference({ x, out: new Float32Array(1).fill(NaN) },
      (be, b) => be.reduce('argmax', b.x, b.out, 1, mid, 1), { out: { rtol: 0, atol: 0 } }, 'reduce argmax, 4.2M');
  });

  test.each([[1, 7, 1], [7, 129, 1], [3, 1000, 7], [129, 7, 129], [1, 70001, 1], [2, 30000, 1], [1, 5003, 3], [2, 4096, 40]])('argmax / max / min with ties [%i, %i, %i] pick the first index', (outer, mid, inner) => {
    const x = new Rng(mid).smallInts(outer * mid * inner, -1, 1);
    for (const op of ['argmax', 'max', 'min'] as const) {
      checkAgainstReference({ x, out: new Float32Array(outer * inner) },
        (be, b) => be.reduce(op, b.x, b.out, outer, mid, inner), { out: { rtol: 0, atol: 0 } }, `${op} ties`);
    }
  });

  const SHAPES: Array<[number, number]> = [[1, 1], [1, 7], [7, 129], [129, 7], [3, 1000], [1000, 7], [0, 7]];
  const RANGES: Array<[string, number, number]> = [['[-3, 3]', -3, 3], ['around +1000', 990, 1010], ['around -1000', -1010, -990],
    ['spread [-50, 50]', -50, 50]];
  describe.each([false, true])('softmax (log=%s)', (log) => {
    test.each(SHAPES)('[%i, %i] forward and gradient, every logit range', (rows, cols) => {
      for (const [label, lo, hi] of RANGES) {
        const rng = new Rng(rows * 1009 + cols + lo);
        const x = rng.uniform(rows * cols, lo, hi);
        const fwd = checkAgainstReference({ x, y: new Float32Array(rows * cols) },
          (be, b) => be.softmax(b.x, b.y, rows, cols, log), { y: softmaxTol(cols, log, maxAbs(x)) }, `softmax log=${log} ${label} [${rows},${cols}]`);
        const dy = rng.uniform(rows * cols, -1, 1);
        checkAgainstReference({ y: fwd.y, dy, dx: new Float32Array(rows * cols) },
          (be, b) => be.softmaxGrad(b.y, b.dy, b.dx, rows, cols, log), { dx: accumulationTol(cols) },
          `softmaxGrad log=${log} ${label} [${rows},${cols}]`);
      }
    });
  });

  test('softmax and log-softmax of logits spread over +-1e4 stay finite', () => {
    const x = Float32Array.from([10000, -10000, 0, 9999]);
    const got = checkAgainstReference({ x, y: new Float32Array(4), ly: new Float32Array(4) }, (be, b) => {
      be.softmax(b.x, b.y, 1, 4, false);
      be.softmax(b.x, b.ly, 1, 4, true);
    }, { y: softmaxTol(4, false, 1e4), ly: softmaxTol(4, true, 1e4) }, 'extreme softmax');
    expect(Array.from(got.y).every(Number.isFinite)).toBe(true);
    expect(Array.from(got.ly).every(Number.isFinite)).toBe(true);
  });
});
