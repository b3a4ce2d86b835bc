/** Native GEMM (OpenBLAS when present and the built-in kernel) against a naive float64 loop. */
import { loadCpuAddon } from '../../lib/native/loader';

const addon = loadCpuAddon();

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/** out = alpha op(a) op(b) + beta c, in float64. */
function naive(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
  ta: boolean, tb: boolean, alpha: number, beta: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  }
  return out;
}

const shapes: Array<[number, number, number]> = [[1, 1, 1], [7, 7, 7], [129, 129, 129], [3, 130, 65], [130, 5, 300], [70, 90, 1]];
const variants: Array<[boolean, boolean, number, number]> = [
  [false, false, 1, 0], [true, false, 0.5, 1], [false, true, -1.25, 0.5], [true, true, 2, -1],
];

describe.each([['builtin'], ['default BLAS']])('gemm (%s)', (which) => {
  beforeAll(() => addon.init(which === 'builtin' ? { blas: 'builtin' } : {}));
  afterAll(() => addon.init({}));

  it.each(shapes)('m=%i n=%i k=%i, every transpose, alpha and beta', (m, n, k) => {
    const a = rand(m * k, m + 1), b = rand(k * n, n + 2), c = rand(m * n, k + 3);
    for (const [ta, tb, alpha, beta] of variants) {
      const out = c.slice();
      addon.gemm(a, b, out, m, n, k, ta, tb, alpha, beta);
      const ref = naive(a, b, c, m, n, k, ta, tb, alpha, beta);
      const tol = 1e-5 * Math.sqrt(k) * 4 + 1e-6;
      // One expect per product, not per element (16k expects for 129^3 took most of this file's time).
      const bad: string[] = [];
      for (let i = 0; i < m * n; i++) {
        if (!(Math.abs(out[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])))) bad.push(`[${i}] ${out[i]} vs ${ref[i]}`);
      }
      expect({ ta, tb, alpha, beta, bad: bad.slice(0, 5), count: bad.length }).toEqual({ ta, tb, alpha, beta, bad: [], count: 0 });
    }
  });

  it('beta = 0 ignores NaN in out; k = 0 scales out by beta', () => {
    const out = new Float32Array([NaN, NaN, NaN, NaN]);
    addon.gemm(new Float32Array([1, 2]), new Float32Array([3, 4]), out, 2, 2, 1, false, false, 1, 0);
    expect(Array.from(out)).toEqual([3, 4, 6, 8]);
    addon.gemm(new Float32Array(0), new Float32Array(0), out, 2, 2, 0, false, false, 1, 0.5);
    expect(Array.from(out)).toEqual([1.5, 2, 3, 4]);
  });

  it('a large threaded product matches', () => {
    const m = 200, n = 300, k = 150;
    const a = rand(m * k, 9), b = rand(k * n, 10), out = new Float32Array(m * n);
    addon.gemm(a, b, out, m, n, k, false, false, 1, 0);
    const ref = naive(a, b, out, m, n, k, false, false, 1, 0);
    for (let i = 0; i < m * n; i += 97) expect(out[i]).toBeCloseTo(ref[i], 4);
  });
});
