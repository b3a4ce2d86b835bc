/** A small seeded PRNG for test inputs (mulberry32), so every run and every backend sees the same data. */

/** A generator of floats in [0, 1) from a 32-bit seed (mulberry32). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Test-data helpers over one seeded stream. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }

  /** n floats uniform in [lo, hi), rounded to float32. */
  uniform(n: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }

  /** n floats uniform in lo <= |x| < hi with a random sign (keeps values away from 0). */
  awayFromZero(n: number, lo: number, hi: number): Float32Array {
    const out = this.uniform(n, lo, hi);
    for (let i = 0; i < n; i++) if (this.next() < 0.5) out[i] = -out[i];
    return out;
  }

  /** n floats drawn from a small set of integers in [lo, hi] (so equalities occur). */
  smallInts(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + Math.floor(this.next() * (hi - lo + 1));
    return out;
  }

  /** n integer indices in [0, count). */
  indices(n: number, count: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * count);
    return out;
  }
}
