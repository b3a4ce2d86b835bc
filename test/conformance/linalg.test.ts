/**
 * Conformance of the linear-algebra kernels: gemm (all transpose combos, alpha / beta, empty dimensions) and the
 * fused dense layer's kernels (forward; the backward epilogue).
 */
import type { UnaryOp } from '../../lib/backend/kernel-ids';
import { describeFamily, REFERENCE } from './backends';
import { accumulationTol, ELEMENTWISE_TOL, expectEqual, type Tolerance } from './compare';
import { checkAgainstReference, forEachBackend, maxAbs, runOn } from './harness';
import { Rng } from './prng';

/** [m, n, k]: every size of the list appears in every position; products stay small enough for the reference. */
const GEMM_SIZES: Array<[number, number, number]> = [
  [1, 1, 1], [7, 7, 7], [1, 129, 7], [129, 1, 1000], [7, 1000, 129], [1000, 7, 1], [129, 129, 129],
  [1000, 129, 7], [7, 7, 1000], [1, 1000, 129], [0, 7, 7], [7, 0, 7], [7, 7, 0],
  // Around the cpu flavour's small-problem loops (n <= 16, m * n * k <= 4096): a 2-10-1 network's shapes, the limits.
  [32, 10, 2], [10, 1, 32], [2, 10, 32], [16, 16, 16], [2, 16, 128], [3, 17, 5], [5, 16, 52],
  // Few output tiles and a long k: the cuda flavour's tiled kernel splits k (slices of whole 16-deep steps, a
  // ragged last one; one exact 64 x 64 output in 16 slices; two row tiles; just long enough to split).
  [64, 64, 4096], [65, 33, 2000], [10, 32, 512],
  // Enough output for the tiled kernel's 64 x 64 tiles (the shapes above get its 32 x 32 ones), ragged edges.
  [1000, 1000, 7],
];
const ALPHA_BETA: Array<[number, number]> = [[1, 0], [0.5, -2], [1, 1]];

/** Tolerance of a k-term dot product scaled by alpha and the input magnitudes, plus the beta * out term. */
function gemmTol(k: number, alpha: number, beta: number, a: Float32Array, b: Float32Array, c: Float32Array): Tolerance {
  const t = accumulationTol(k, Math.abs(alpha) * maxAbs(a) * maxAbs(b));
  return { rtol: t.rtol, atol: t.atol + 1e-6 * Math.abs(beta) * maxAbs(c) };
}

/** Activations the fused dense op is called with. */
const ACTIVATIONS: Array<[UnaryOp, number]> = [['linear', 0], ['relu', 0], ['sigmoid', 0], ['tanh', 0], ['leakyRelu', 0.2],
  ['elu', 1], ['gelu', 0], ['silu', 0], ['softplus', 0]];

describeFamily('gemm and dense', () => {
  describe.each(GEMM_SIZES)('gemm m=%i n=%i k=%i', (m, n, k) => {
    test.each([[false, false], [true, false], [false, true], [true, true]])('transA=%s transB=%s, every alpha/beta', (ta, tb) => {
      const rng = new Rng(m * 131 + n * 17 + k + (ta ? 5 : 0) + (tb ? 11 : 0));
      const a = rng.uniform(m * k);
      const b = rng.uniform(k * n);
      for (const [alpha, beta] of ALPHA_BETA) {
        const c = rng.uniform(m * n, -2, 2);
        checkAgainstReference({ a, b, c }, (be, buf) => be.gemm(buf.a, buf.b, buf.c, m, n, k, ta, tb, alpha, beta),
          { c: gemmTol(k, alpha, beta, a, b, c) }, `gemm ${m}x${n}x${k} tA=${ta} tB=${tb} alpha=${alpha} beta=${beta}`);
      }
    });
  });

  test.each([[7, 129, 7], [7, 7, 7], [7, 7, 1000]])('gemm %ix%ix%i with beta = 0 does not read out (NaN already there does not propagate, as in BLAS)', (m, n, k) => {
    const rng = new Rng(99);
    const a = rng.uniform(m * k);
    const b = rng.uniform(k * n);
    const got = checkAgainstReference({ a, b, c: new Float32Array(m * n).fill(NaN) },
      (be, buf) => be.gemm(buf.a, buf.b, buf.c, m, n, k, false, false, 1, 0), { c: accumulationTol(k) }, 'gemm beta=0 over NaN');
    expect(Array.from(got.c).every(Number.isFinite)).toBe(true);
  });

  describe.each(ACTIVATIONS)('denseForward activation=%s(%d)', (activation, param) => {
    test.each([[1, 1, 1], [7, 129, 7], [129, 7, 1000], [1000, 7, 129], [0, 7, 7], [7, 7, 0]])('m=%i n=%i k=%i, with and without bias', (m, n, k) => {
      const rng = new Rng(m + 3 * n + 7 * k);
      const x = rng.uniform(m * k);
      const w = rng.uniform(k * n, -0.5, 0.5);
      const bias = rng.uniform(n);
      const zTol = accumulationTol(k + 1, maxAbs(x) * maxAbs(w) + maxAbs(bias));
      // out = f(z): an error dz in z moves out by at most ~1.1 dz for these activations.
      const outTol = { rtol: zTol.rtol + ELEMENTWISE_TOL.rtol, atol: 1.2 * zTol.atol + ELEMENTWISE_TOL.atol };
      for (const withBias of [true, false]) {
        checkAgainstReference({ x, w, bias, z: new Float32Array(m * n), out: new Float32Array(m * n) },
          (be, b) => be.denseForward(b.x, b.w, withBias ? b.bias : null, b.z, b.out, m, n, k, activation, param),
          { z: zTol, out: outTol }, `denseForward ${activation} bias=${withBias} ${m}x${n}x${k}`);
      }
      // In place (z === out), as the dense op runs linear and ReLU layers and every layer in inference; on cuda a
      // biased linear or ReLU layer then goes through cuBLASLt's bias epilogue.
      for (const withBias of [true, false]) {
        checkAgainstReference({ x, w, bias, z: new Float32Array(m * n) },
          (be, b) => be.denseForward(b.x, b.w, withBias ? b.bias : null, b.z, b.z, m, n, k, activation, param),
          { z: activation === 'linear' ? zTol : outTol }, `denseForward ${activation} bias=${withBias} z === out`);
      }
    });
  });

  test.each(['relu', 'linear'] as const)('denseForward %s in place with a NaN in x: NaN in that row, as the reference (relu(NaN) = NaN)', (activation) => {
    // On cuda a biased in-place ReLU or linear layer goes through cuBLASLt's epilogue, which must not turn NaN into 0.
    const [m, n, k] = [7, 129, 7];
    const rng = new Rng(404);
    const x = rng.uniform(m * k);
    x[2 * k + 3] = NaN;
    const got = checkAgainstReference({ x, w: rng.uniform(k * n, -0.5, 0.5), bias: rng.uniform(n), z: new Float32Array(m * n) },
      (be, b) => be.denseForward(b.x, b.w, b.bias, b.z, b.z, m, n, k, activation, 0), { z: accumulationTol(k + 1, 2) },
      `denseForward ${activation} with NaN`);
    expect(Array.from(got.z.subarray(2 * n, 3 * n)).every(Number.isNaN)).toBe(true);
  });

  describe.each(ACTIVATIONS)('biasActivationGrad activation=%s(%d)', (activation, param) => {
    // Column counts below, at and above one 32-column tile of the cuda kernel; row counts below and above its 8 lanes.
    test.each([[1, 1], [7, 129], [129, 7], [128, 512], [1000, 33], [3, 64], [0, 7], [7, 0], [2048, 10], [2500, 33]])('m=%i n=%i', (m, n) => {
      const rng = new Rng(m * 7 + n * 3 + 1);
      const z = rng.uniform(m * n, -3, 3);
      const y = new Float32Array(m * n);
      REFERENCE.unary(activation, z, y, m * n, param);  // the reference's buffers are host arrays
      const dy = rng.uniform(m * n, -1, 1);
      const host = { z, y, dy, dz: new Float32Array(m * n), dbias: rng.uniform(n) };
      const want = checkAgainstReference(host,
        (be, b) => be.biasActivationGrad(activation, b.z, b.y, b.dy, b.dz, b.dbias, m, n, param),
        { dz: ELEMENTWISE_TOL, dbias: accumulationTol(m, 2 * maxAbs(dy)) }, `biasActivationGrad ${activation} ${m}x${n}`);
      if (m === 0) expect(Array.from(want.dbias).every((v) => v === 0)).toBe(true);
      // On every backend, the result is that of unaryGrad then reduce('sum') over the rows, bit for bit.
      forEachBackend(({ name, backend: be }) => {
        const fused = runOn(be, host, (b) => be.biasActivationGrad(activation, b.z, b.y, b.dy, b.dz, b.dbias, m, n, param));
        const apart = runOn(be, host, (b) => {
          if (m * n > 0) be.unaryGrad(activation, b.z, b.y, b.dy, b.dz, m * n, param);
          if (n > 0) be.reduce('sum', b.dz, b.dbias, 1, m, n);
        });
        expectEqual(fused.dz, apart.dz, `${name} biasActivationGrad dz vs unaryGrad`);
        expectEqual(fused.dbias, apart.dbias, `${name} biasActivationGrad dbias vs reduce`);
      });
    });
  });
});
