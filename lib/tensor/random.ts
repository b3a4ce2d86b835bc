/**
 * The library's own seeded random generator (xoshiro128**, seeded through splitmix32), so that a seed
 * gives the same numbers on every backend and platform.
 */
import { ValueError, describe } from '../errors';
import { nativeShuffle } from '../native/native-shuffle';
import { isInt32Array } from './typed-arrays';

/** Shorter index arrays are shuffled in TypeScript (a native call costs more than it saves). */
const NATIVE_SHUFFLE_MIN_LENGTH = 64;

/** A seeded stream of random numbers. */
export class Random {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;
  private spareNormal: number | null = null;
  /** The four state words handed to native code (withStateWords). */
  private readonly nativeState = new Float64Array(4);

  /** @param seed any finite number; the same seed gives the same stream. */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ValueError(`seed must be a finite number, got ${describe(seed)}`);
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal number (Box-Muller). */
  normal(): number {
    if (this.spareNormal !== null) { const s = this.spareNormal; this.spareNormal = null; return s; }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * Shuffles an array in place (Fisher-Yates: for i from length - 1 down to 1, swap items i and int(i + 1)).
   * Int32Arrays of more than a few entries are shuffled by the CPU addon when it loads, from and into this
   * generator's state: the same order and the same state afterwards, without interpreting the loop.
   */
  shuffle<T>(items: T[] | Int32Array): void {
    if (isInt32Array(items) && this.shuffleNatively(items, false)) return;
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]; items[i] = items[j]; items[j] = tmp as never;
    }
  }

  /** 0, 1, ..., n - 1 in random order: `shuffle` of the identity (the same draws). */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    if (this.shuffleNatively(order, true)) return order;
    for (let i = 0; i < n; i++) order[i] = i;
    this.shuffle(order);
    return order;
  }

  /**
   * @internal Runs `fn` on this generator's state as its four 32-bit words (s0..s3) in a Float64Array, which
   * native code (the addon's shuffles) may advance; the generator goes on from the words `fn` leaves there.
   */
  withStateWords<T>(fn: (state: Float64Array) => T): T {
    const state = this.nativeState;
    state[0] = this.s0 >>> 0; state[1] = this.s1 >>> 0; state[2] = this.s2 >>> 0; state[3] = this.s3 >>> 0;
    try {
      return fn(state);
    } finally {
      this.s0 = state[0]; this.s1 = state[1]; this.s2 = state[2]; this.s3 = state[3];
    }
  }

  /**
   * As `withStateWords`, for a native job that runs off the JavaScript thread: the words (a fresh array) are
   * read back once `fn`'s promise settles. Numbers drawn from this generator meanwhile are overwritten then.
   */
  async withStateWordsAsync<T>(fn: (state: Float64Array) => Promise<T>): Promise<T> {
    const state = Float64Array.of(this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0);
    try {
      return await fn(state);
    } finally {
      this.s0 = state[0]; this.s1 = state[1]; this.s2 = state[2]; this.s3 = state[3];
    }
  }

  /** The native shuffle (after filling 0..n-1 when `fromIdentity`); false when it is not used. */
  private shuffleNatively(order: Int32Array, fromIdentity: boolean): boolean {
    if (order.length < NATIVE_SHUFFLE_MIN_LENGTH) return false;
    const native = nativeShuffle();
    if (native === null) return false;
    this.withStateWords((state) => native(order, state, fromIdentity));
    return true;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let global = new Random(Date.now() % 2147483647);

/** Seeds the global generator used when no seed is given (like `torch.manual_seed`). */
export function setSeed(seed: number): void {
  global = new Random(seed);
}

/** The generator for an optional seed: a fresh one for a seed, else the global stream. */
export function generatorFor(seed?: number): Random {
  return seed === undefined ? global : new Random(seed);
}
