/**
 * Conformance cases of the gaussianNoise kernel (Philox4x32-10 words, Box-Muller in double precision): every backend
 * gives the reference's output to the last bits of its log / sin / cos and advances the counter exactly, and the
 * draws are standard normal (moments and the normal's probability of each band, on 2^17 draws).
 */
import { DROPOUT_STATE_SIZE, storeDropoutCounter } from '../../lib/backend/philox';
import { REFERENCE, describeFamily } from './backends';
import { expectEqual } from './compare';
import { checkAgainstReference } from './harness';
import { Rng } from './prng';

function stateAt(t: number): Float32Array {
  const s = new Float32Array(DROPOUT_STATE_SIZE);
  storeDropoutCounter(s, t);
  return s;
}

describeFamily('noise', () => {
  test.each([0, 1, 7, 129, 1000])('gaussianNoise [%i]: output within an ulp of the reference, counter advanced by one', (n) => {
    for (const stddev of [0, 0.1, 1, 3]) {
      for (const t of [0, 1, 2 ** 32 + 7]) {
        for (const [k0, k1] of [[0, 0], [0xffffffff, 0xffffffff], [0x243f6a88, 0x85a308d3]]) {
          const x = new Rng(n + t % 1000 + k0 % 7).uniform(n, -3, 3);
          const want = checkAgainstReference({ x, y: new Float32Array(n), state: stateAt(t) },
            (be, b) => be.gaussianNoise(b.x, b.y, b.state, n, stddev, k0, k1),
            { y: { rtol: 2e-7, atol: 1e-6 * stddev }, state: { rtol: 0, atol: 0 } }, `gaussianNoise [${n}] stddev ${stddev} counter ${t} key ${k0},${k1}`);
          expectEqual(want.state, stateAt(t + 1), `gaussianNoise [${n}]: the counter advances by one`);
          if (stddev === 0) expectEqual(want.y, x, 'stddev 0 adds nothing');
        }
      }
    }
  });

  test('gaussianNoise: the draws are standard normal, and each call draws afresh', () => {
    const n = 2 ** 17;
    const x = new Float32Array(n);
    const first = checkAgainstReference({ x, y: new Float32Array(n), state: stateAt(5) },
      (be, b) => be.gaussianNoise(b.x, b.y, b.state, n, 1, 11, 22), {}, 'normal draws').y;
    const mean = first.reduce((s, v) => s + v, 0) / n;
    const variance = first.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));            // 4 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    // P(|z| < 1) = 0.6827, P(|z| < 2) = 0.9545, P(|z| < 3) = 0.9973 for a standard normal.
    for (const [band, p] of [[1, 0.682689], [2, 0.954500], [3, 0.997300]]) {
      const share = first.filter((v) => Math.abs(v) < band).length / n;
      expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt(p * (1 - p) / n));
    }
    const next = new Float32Array(n);
    const state = stateAt(5);
    REFERENCE.gaussianNoise(x, next, state, n, 1, 11, 22);
    REFERENCE.gaussianNoise(x, next, state, n, 1, 11, 22);
    expect(Array.from(next.subarray(0, 64))).not.toEqual(Array.from(first.subarray(0, 64)));
  });
});
