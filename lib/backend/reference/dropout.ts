/** Reference dropout: masks from Philox4x32-10 (lib/backend/philox.ts), the counter advanced in the state buffer. */
import { dropoutCounter, dropoutThreshold, philox4x32, storeDropoutCounter } from '../philox';

/**
 * y[i] = x[i] * mask[i] (float32 product), mask[i] = 0 or fround(1 / (1 - rate)) as lib/backend/philox.ts
 * describes, for call t = the counter in `state`; then the counter advances by one (also when n is 0).
 */
export function dropout(x: Float32Array, y: Float32Array, mask: Float32Array, state: Float32Array, n: number,
  rate: number, key0: number, key1: number): void {
  const t = dropoutCounter(state);
  const tLo = t % 4294967296, tHi = Math.floor(t / 4294967296);
  const threshold = dropoutThreshold(rate);
  const scale = Math.fround(1 / (1 - rate));
  const words = new Uint32Array(4);
  for (let b = 0; 4 * b < n; b++) {
    philox4x32(b % 4294967296, Math.floor(b / 4294967296), tLo, tHi, key0, key1, words);
    for (let j = 0; j < 4 && 4 * b + j < n; j++) {
      const i = 4 * b + j;
      const m = words[j] >>> 8 >= threshold ? scale : 0;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  }
  storeDropoutCounter(state, t + 1);
}
