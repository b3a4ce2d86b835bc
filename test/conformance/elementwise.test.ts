/**
 * Conformance of the elementwise kernels: memory (alloc/upload/download/free/fill), unary ops and gradients,
 * broadcasting binary ops.
 */
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from '../../lib/backend/kernel-ids';
import { describeFamily } from './backends';
import { ELEMENTWISE_TOL, expectEqual } from './compare';
import { broadcastStrides, checkAgainstReference, forEachBackend, SIZES, sizeOf } from './harness';
import { Rng } from './prng';

/** The param each unary op is tested with (several for powScalar), and the input domain it needs. */
const UNARY_PARAMS: Partial<Record<UnaryOp, number[]>> = {
  leakyRelu: [0.1], elu: [0.7, 1], powScalar: [2, 3, 0.5, -1.5], scale: [-2.5], addScalar: [0.75], clipAbs: [1.5],
};
const POSITIVE_DOMAIN: UnaryOp[] = ['log', 'sqrt', 'powScalar'];
/** Ops whose behaviour at kinks (0, +-param) is part of the contract; checked on special values. */
const KINK_SAFE: UnaryOp[] = ['neg', 'square', 'abs', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'gelu', 'silu',
  'softplus', 'sign', 'scale', 'addScalar', 'clipAbs', 'linear', 'exp'];
const SPECIAL = [0, -0, 1, -1, 1.5, -1.5, 0.5, -3, 3, 1e-30, -1e-30];

function unaryInput(rng: Rng, op: UnaryOp, n: number): Float32Array {
  if (POSITIVE_DOMAIN.includes(op)) return rng.uniform(n, 0.1, 4);
  if (op === 'reciprocal') return rng.awayFromZero(n, 0.1, 4);
  return rng.uniform(n, -6, 6);
}

function checkUnary(op: UnaryOp, x: Float32Array, param: number, rng: Rng, label: string): void {
  const n = x.length;
  const fwd = checkAgainstReference({ x, out: new Float32Array(n) },
    (be, b) => be.unary(op, b.x, b.out, n, param), { out: ELEMENTWISE_TOL }, `unary ${op}(${param}) ${label}`);
  checkAgainstReference({ x, y: fwd.out, dy: rng.uniform(n, -1, 1), dx: new Float32Array(n) },
    (be, b) => be.unaryGrad(op, b.x, b.y, b.dy, b.dx, n, param), { dx: ELEMENTWISE_TOL }, `unaryGrad ${op}(${param}) ${label}`);
}

/** Binary broadcasting patterns: [a shape, b shape] (the output shape is their broadcast). */
const PATTERNS: Array<[string, number[], number[]]> = [
  ...SIZES.map((n): [string, number[], number[]] => [`same [${n}]`, [n], [n]]),
  ['empty [0]', [0], [0]], ['empty [0,5] with row', [0, 5], [5]],
  ['scalar b', [7, 129], []], ['scalar a', [], [1000]], ['[1] b', [129], [1]],
  ['row', [129, 7], [7]], ['column', [129, 7], [129, 1]], ['row a', [1, 1000], [7, 1000]],
  ['middle axis', [3, 7, 5], [7, 1]], ['rank 3 outer', [2, 1, 5], [3, 1]], ['rank 3 both', [1, 129, 1], [7, 1, 3]],
  ['rank 4', [2, 3, 4, 5], [3, 1, 5]], ['rank 4 both', [1, 3, 1, 5], [2, 1, 4, 1]],
];

function broadcastShape(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    const da = a[a.length - rank + d] ?? 1;
    const db = b[b.length - rank + d] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

function binaryInputs(rng: Rng, op: BinaryOp, na: number, nb: number): [Float32Array, Float32Array] {
  switch (op) {
    case 'pow': return [rng.uniform(na, 0.5, 2), rng.uniform(nb, -2, 2)];
    case 'div': return [rng.uniform(na, -3, 3), rng.awayFromZero(nb, 0.5, 2)];
    case 'equal': case 'greater': case 'maximum': case 'minimum': return [rng.smallInts(na, -2, 2), rng.smallInts(nb, -2, 2)];
    default: return [rng.uniform(na, -3, 3), rng.uniform(nb, -3, 3)];
  }
}

describeFamily('elementwise', () => {
  test('alloc is zero-filled, upload/download round-trips exactly, free is idempotent', () => {
    forEachBackend(({ name, backend: be }) => {
      for (const n of [0, ...SIZES]) {
        const z = be.alloc(n);
        expectEqual(be.download(z), new Float32Array(n), `${name} alloc(${n})`);
        be.free(z);
        const data = new Rng(n).uniform(n, -1e6, 1e6);
        const buf = be.upload(data);
        expectEqual(be.download(buf), data, `${name} upload/download(${n})`);
        be.free(buf);
        be.free(buf);
      }
    });
  });

  test('fill: whole buffer, default length, offset + length, empty range', () => {
    for (const n of SIZES) {
      const base = new Rng(n).uniform(n);
      const cases: Array<[number | undefined, number | undefined]> = [[undefined, undefined], [0, n], [n >> 1, undefined],
        [n >> 2, n >> 1], [n, 0]];
      for (const [off, len] of cases) {
        checkAgainstReference({ out: base }, (be, b) => be.fill(b.out, -2.5, off, len),
          { out: { rtol: 0, atol: 0 } }, `fill(${n}, off ${off}, len ${len})`);
      }
    }
  });

  describe.each(Object.keys(UNARY_OPS) as UnaryOp[])('unary %s', (op) => {
    test('forward and gradient at sizes 0, 1, 7, 129, 1000', () => {
      const rng = new Rng(1000 + UNARY_OPS[op]);
      for (const param of UNARY_PARAMS[op] ?? [0]) {
        for (const n of [0, ...SIZES]) checkUnary(op, unaryInput(rng, op, n), param, rng, `n=${n}`);
      }
    });
    if (KINK_SAFE.includes(op)) {
      test('special values (0, -0, kinks, +-param)', () => {
        const rng = new Rng(7);
        for (const param of UNARY_PARAMS[op] ?? [0]) {
          const x = Float32Array.from([...SPECIAL, param, -param]);
          checkUnary(op, x, param, rng, 'special values');
        }
      });
    }
    test('NaN and +-Infinity forward: what the reference gives (NaN stays NaN; relu(NaN) = NaN, as in PyTorch)', () => {
      const x = Float32Array.from([NaN, Infinity, -Infinity]);
      for (const param of UNARY_PARAMS[op] ?? [0]) {
        checkAgainstReference({ x, out: new Float32Array(3) },
          (be, b) => be.unary(op, b.x, b.out, 3, param), { out: ELEMENTWISE_TOL }, `unary ${op}(${param}) NaN and infinities`);
      }
    });
    if (op === 'exp' || op === 'sigmoid' || op === 'tanh' || op === 'softplus' || op === 'gelu' || op === 'silu' || op === 'elu') {
      test('large magnitudes (+-20, +-80)', () => {
        checkUnary(op, Float32Array.from([-80, -20, -10, 10, 20, 80]).map((v) => (op === 'exp' ? v / 2 : v)),
          UNARY_PARAMS[op]?.[0] ?? 0, new Rng(3), 'large');
      });
    }
  });

  describe.each(Object.keys(BINARY_OPS) as BinaryOp[])('binary %s', (op) => {
    test.each(PATTERNS)('%s', (_label, aShape, bShape) => {
      const rng = new Rng(2000 + BINARY_OPS[op] * 31 + aShape.length * 7 + bShape.length);
      const outShape = broadcastShape(aShape, bShape);
      const [a, b] = binaryInputs(rng, op, sizeOf(aShape), sizeOf(bShape));
      checkAgainstReference({ a, b, out: new Float32Array(sizeOf(outShape)) },
        (be, buf) => be.binary(op, buf.a, broadcastStrides(aShape, outShape), buf.b, broadcastStrides(bShape, outShape),
          buf.out, outShape),
        { out: ELEMENTWISE_TOL }, `binary ${op} [${aShape}] x [${bShape}]`);
    });
  });
});
