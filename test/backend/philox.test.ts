/**
 * Philox4x32-10 (lib/backend/philox.ts) against the known-answer vectors of Random123: the "philox4x32 10" lines
 * of its examples/kat_vectors (D. E. Shaw Research, Random123 1.09-1.14; the same lines are quoted in several
 * public test suites). Columns: counter c0..c3, key k0 k1, expected output words. Also the exact mapping from a
 * word to the keep decision and the layout of the counter in a dropout state buffer.
 */
import {
  DROPOUT_STATE_SIZE, dropoutCounter, dropoutThreshold, philox4x32, storeDropoutCounter,
} from '../../lib/backend/philox';

const KAT: Array<[string, number[], number[], number[]]> = [
  ['zeros', [0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  ['ones', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  ['pi digits', [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

describe('Philox4x32-10', () => {
  test.each(KAT)('Random123 known answer: %s', (_name, c, k, want) => {
    expect(Array.from(philox4x32(c[0], c[1], c[2], c[3], k[0], k[1]))).toEqual(want);
  });

  test('keep threshold: (w >>> 8) >= ceil(rate 2^24) exactly when (w >>> 8) 2^-24 >= rate', () => {
    for (const rate of [0, 0.2, 0.5, 1 / 3, 0.9999999, 2 ** -24, 3 * 2 ** -25]) {
      const t = dropoutThreshold(rate);
      for (const top of [t - 1, t, t + 1].filter((v) => v >= 0 && v < 2 ** 24)) {
        expect(top >= t).toBe(top / 2 ** 24 >= rate);
      }
    }
  });

  test('the state buffer holds the call counter as four 16-bit limbs', () => {
    const state = new Float32Array(DROPOUT_STATE_SIZE);
    for (const t of [0, 1, 65535, 65536, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 48 + 2 ** 16 + 3]) {
      storeDropoutCounter(state, t);
      expect(state.every((v) => Number.isInteger(v) && v >= 0 && v < 65536)).toBe(true);
      expect(dropoutCounter(state)).toBe(t);
    }
  });
});
