/**
 * Philox4x32-10, the counter-based generator behind dropout masks (Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011; the round constants and key schedule of Random123). The native flavours
 * run the same generator (native/common/philox.h), so a seed gives the same masks bit for bit on every backend.
 *
 * The dropout mapping: call t of a dropout kernel (a 64-bit counter held on the backend in a state buffer of
 * {@link DROPOUT_STATE_SIZE} floats, each an integer in [0, 65536): t = s0 + s1 2^16 + s2 2^32 + s3 2^48) under
 * key (k0, k1) gives element i the word w = philox((b lo, b hi, t lo, t hi), (k0, k1))[i mod 4], b = floor(i / 4);
 * u_i = (w >>> 8) 2^-24 in [0, 1); the element is kept when u_i >= rate (the integer test
 * (w >>> 8) >= ceil(rate 2^24)), and mask_i = kept ? fround(1 / (1 - rate)) : 0. Each call then advances t by one.
 */

/** Floats in a dropout state buffer (the 64-bit call counter as four 16-bit limbs). */
export const DROPOUT_STATE_SIZE = 4;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The high 32 bits of the 64-bit product of two uint32 values (exact, in doubles of at most 2^34). */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lo = al * bl, m1 = ah * bl, m2 = al * bh;
  const carry = Math.floor((Math.floor(lo / 65536) + (m1 % 65536) + (m2 % 65536)) / 65536);
  return (ah * bh + Math.floor(m1 / 65536) + Math.floor(m2 / 65536) + carry) >>> 0;
}

/**
 * Philox4x32 with 10 rounds: the four output words for counter (c0, c1, c2, c3) and key (k0, k1), all uint32.
 * Writes them into `out` (length >= 4) and returns it.
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number,
  out: Uint32Array = new Uint32Array(4)): Uint32Array {
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const n0 = (mulhi(M1, c2) ^ c1 ^ k0) >>> 0;
    const n2 = (mulhi(M0, c0) ^ c3 ^ k1) >>> 0;
    c1 = Math.imul(M1, c2) >>> 0;
    c3 = Math.imul(M0, c0) >>> 0;
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
  return out;
}

/** The keep threshold of `rate`: ceil(rate 2^24), so that (w >>> 8) >= it exactly when (w >>> 8) 2^-24 >= rate. */
export function dropoutThreshold(rate: number): number {
  return Math.ceil(rate * 16777216);
}

/** The call counter t held by a state buffer (limbs clamped into [0, 65535], as the native kernels read them). */
export function dropoutCounter(state: Float32Array): number {
  let t = 0;
  for (let i = DROPOUT_STATE_SIZE - 1; i >= 0; i--) {
    const s = state[i];
    const limb = s >= 65535 ? 65535 : s > 0 ? Math.floor(s) : 0;
    t = t * 65536 + limb;  // exact below 2^53; the top limb of a counter past 2^53 calls is out of reach anyway
  }
  return t;
}

/** Writes counter t into a state buffer as its four 16-bit limbs (t below 2^53). */
export function storeDropoutCounter(state: Float32Array, t: number): void {
  for (let i = 0; i < DROPOUT_STATE_SIZE; i++) {
    state[i] = t % 65536;
    t = Math.floor(t / 65536);
  }
}

/** Two uint32 key words from a source of uint32 values (a seeded `Random`). */
export function dropoutKey(nextUint32: () => number): [number, number] {
  return [nextUint32() >>> 0, nextUint32() >>> 0];
}
