/**
 * Conformance of the attention kernels: batchedGemm in the six layouts attention uses (scores, context and their
 * gradients, heads read in place from [batch, time, heads * depth]), plain dense batches with transposes, beta != 0
 * and k = 0; maskedSoftmax with and without a mask, causal, rows with nothing allowed and long rows.
 */
import { describeFamily } from './backends';
import { accumulationTol } from './compare';
import { checkAgainstReference } from './harness';
import { Rng } from './prng';

type Layout = [number, number, number];

describeFamily('attention', () => {
  // [B, H, T, S, d]: odd sizes cross the 16-wide tiles of the cuda kernel.
  const SHAPES: Array<[number, number, number, number, number]> = [[1, 1, 1, 1, 1], [2, 3, 5, 7, 4], [3, 2, 17, 33, 16], [1, 4, 64, 64, 32]];

  test.each(SHAPES)('batchedGemm in the attention layouts, B %i H %i T %i S %i d %i', (B, H, T, S, d) => {
    const rng = new Rng(B * 1000 + H * 100 + T + S + d);
    const W = H * d;
    const q = rng.uniform(B * T * W), k = rng.uniform(B * S * W), p = rng.uniform(B * H * T * S, 0, 1);
    const dS = rng.uniform(B * H * T * S), dOut = rng.uniform(B * T * W);
    const qL: Layout = [T * W, d, W], kL: Layout = [S * W, d, W], sL: Layout = [H * T * S, T * S, S];
    const cases: Array<[string, Float32Array, Layout, Float32Array, Layout, number, Layout, number[], boolean, boolean, number]> = [
      ['scores = q k^T', q, qL, k, kL, B * H * T * S, sL, [B, H, T, S, d], false, true, 0.5],
      ['dq = dS k', dS, sL, k, kL, B * T * W, qL, [B, H, T, d, S], false, false, 0.5],
      ['dk = dS^T q', dS, sL, q, qL, B * S * W, kL, [B, H, S, d, T], true, false, 0.5],
      ['context = p v', p, sL, k, kL, B * T * W, qL, [B, H, T, d, S], false, false, 1],
      ['dp = dOut v^T', dOut, qL, k, kL, B * H * T * S, sL, [B, H, T, S, d], false, true, 1],
      ['dv = p^T dOut', p, sL, dOut, qL, B * S * W, kL, [B, H, S, d, T], true, false, 1],
    ];
    for (const [what, a, aL, b, bL, outSize, outL, sizes, ta, tb, alpha] of cases) {
      checkAgainstReference({ a, b, out: rng.uniform(outSize) },
        (be, x) => be.batchedGemm(x.a, aL, x.b, bL, x.out, outL, sizes, ta, tb, alpha, 0),
        { out: accumulationTol(sizes[4], 2) }, `batchedGemm ${what}`);
    }
  });

  test.each([[false, false], [true, false], [false, true], [true, true]])('batchedGemm dense batches, transA %s transB %s, beta 0.5 and k = 0', (ta, tb) => {
    const rng = new Rng(ta ? 3 : 4 + (tb ? 10 : 0));
    const [outer, inner, m, n, k] = [2, 3, 19, 21, 9];
    const a = rng.uniform(outer * inner * m * k), b = rng.uniform(outer * inner * k * n), out = rng.uniform(outer * inner * m * n);
    const aL: Layout = [inner * m * k, m * k, ta ? m : k], bL: Layout = [inner * k * n, k * n, tb ? k : n];
    const cL: Layout = [inner * m * n, m * n, n];
    checkAgainstReference({ a, b, out }, (be, x) => be.batchedGemm(x.a, aL, x.b, bL, x.out, cL, [outer, inner, m, n, k], ta, tb, 1.5, 0.5),
      { out: accumulationTol(k, 3) }, 'batchedGemm beta 0.5');
    checkAgainstReference({ a, b, out }, (be, x) => be.batchedGemm(x.a, aL, x.b, bL, x.out, cL, [outer, inner, m, n, 0], ta, tb, 1.5, 0.5),
      { out: accumulationTol(1) }, 'batchedGemm k = 0');
  });

  const SOFTMAX: Array<[number, number, number, number]> = [[1, 1, 1, 1], [2, 3, 5, 7], [2, 2, 9, 4], [1, 2, 3, 700]];
  describe.each([[false, false], [true, false], [false, true], [true, true]])('maskedSoftmax, mask %s, causal %s', (masked, causal) => {
    test.each(SOFTMAX)('B %i H %i T %i S %i', (B, H, T, S) => {
      const rng = new Rng(B + H * 7 + T * 31 + S * 131 + (masked ? 1 : 0) + (causal ? 2 : 0));
      const x = rng.uniform(B * H * T * S, -8, 8);
      const mask = Float32Array.from(rng.uniform(B * T * S, 0, 1), (u) => (u < 0.3 ? 0 : 1));
      if (T > 1) mask.fill(0, 0, S);  // a row of query 0 with nothing allowed: all zeros
      const y = checkAgainstReference({ x, mask, y: rng.uniform(B * H * T * S) },
        (be, b) => be.maskedSoftmax(b.x, masked ? b.mask : null, b.y, B, H, T, S, causal),
        { y: { rtol: 2e-6, atol: 1e-7 } }, 'maskedSoftmax').y;
      // Masked-out entries are exactly 0 and every other row sums to 1 on the reference.
      for (let r = 0; r < B * H * T; r++) {
        const t = r % T, b = Math.floor(r / (T * H));
        let sum = 0;
        for (let s = 0; s < S; s++) {
          const on = (!masked || mask[(b * T + t) * S + s] !== 0) && (!causal || s <= t);
          if (!on) expect(y[r * S + s]).toBe(0);
          sum += y[r * S + s];
        }
        if (sum !== 0) expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
    });
  });
});
