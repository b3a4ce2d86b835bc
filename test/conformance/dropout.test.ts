/**
 * Conformance cases of the dropout kernel (Philox4x32-10 masks, lib/backend/philox.ts): every backend gives the
 * reference's output, mask and advanced state bit for bit (integer arithmetic and one float32 product), for
 * counters that use every word of the 64-bit counter and keys across the 32-bit range.
 */
import { DROPOUT_STATE_SIZE, storeDropoutCounter } from '../../lib/backend/philox';
import { describeFamily } from './backends';
import { expectEqual } from './compare';
import { checkAgainstReference, forEachBackend } from './harness';
import { Rng } from './prng';

const EXACT = { rtol: 0, atol: 0 };

function stateAt(t: number): Float32Array {
  const s = new Float32Array(DROPOUT_STATE_SIZE);
  storeDropoutCounter(s, t);
  return s;
}

describeFamily('dropout', () => {
  const COUNTERS = [0, 1, 2 ** 32 + 7, 2 ** 48 + 65537];
  const KEYS: Array<[number, number]> = [[0, 0], [0xffffffff, 0xffffffff], [0x243f6a88, 0x85a308d3]];
  test.each([0, 1, 7, 129, 1000])('dropout [%i]: output, mask and advanced counter equal the reference bit for bit', (n) => {
    for (const rate of [0, 0.2, 0.5, 0.9]) {
      for (const t of COUNTERS) {
        for (const [k0, k1] of KEYS) {
          const rng = new Rng(n * 31 + t % 1000 + k0 % 7);
          const x = rng.uniform(n, -3, 3);
          if (n > 3) { x[0] = Number.NaN; x[1] = Infinity; x[2] = -0; }
          const want = checkAgainstReference({ x, y: new Float32Array(n), mask: new Float32Array(n), state: stateAt(t) },
            (be, b) => be.dropout(b.x, b.y, b.mask, b.state, n, rate, k0, k1),
            { y: EXACT, mask: EXACT, state: EXACT }, `dropout [${n}] rate ${rate} counter ${t} key ${k0},${k1}`);
          expectEqual(want.state, stateAt(t + 1), `dropout [${n}]: the counter advances by one`);
        }
      }
    }
  });

  test('dropout: a second call on the same state draws a different mask; the same state again repeats it', () => forEachBackend((entry) => {
    const be = entry.backend;
    const n = 256;
    const x = be.upload(new Float32Array(n).fill(1));
    const y = be.alloc(n, false);
    const mask = be.alloc(n, false);
    const state = be.upload(stateAt(0));
    try {
      be.dropout(x, y, mask, state, n, 0.5, 1, 2);
      const first = be.download(mask);
      be.dropout(x, y, mask, state, n, 0.5, 1, 2);
      const second = be.download(mask);
      expect(Array.from(second)).not.toEqual(Array.from(first));
      be.free(state);
      const again = be.upload(stateAt(0));
      be.dropout(x, y, mask, again, n, 0.5, 1, 2);
      expect(Array.from(be.download(mask))).toEqual(Array.from(first));
      be.free(again);
    } finally {
      for (const b of [x, y, mask]) be.free(b);
    }
  }));
});
