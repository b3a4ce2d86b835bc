/**
 * A pool of host Float32Arrays for the `cpu` and `reference` backends. Disposed tensors return their
 * buffers here and new tensors of the same size take them back, so a training step in steady state
 * allocates no new typed arrays (and the garbage collector has little to do).
 */

import type { Backend } from './backend';

/** Upper bound on bytes kept idle in the pool; beyond it freed buffers are left to the garbage collector. */
const DEFAULT_MAX_IDLE_BYTES = 256 * 1024 * 1024;
/** Buffers at most this long are always pooled; larger ones only while the idle budget allows. */
const MAX_FREE_PER_SIZE = 64;
/** Requests at least this long (floats) may be served by a view of a larger idle buffer. */
const MIN_VIEW_SIZE = 1 << 16;

/** Size-keyed free lists of Float32Arrays. */
export class HostBufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Buffers now idle in the pool: a second `give` of the same buffer is ignored (free is idempotent). */
  private readonly idleSet = new WeakSet<Float32Array>();
  private idleBytes = 0;

  constructor(private readonly maxIdleBytes = DEFAULT_MAX_IDLE_BYTES) {}

  /**
   * A buffer of `size` floats: zero-filled when `zeroed`, else with unspecified contents. When no idle
   * buffer has that size, an idle one up to twice as large serves as a view of its first `size` floats
   * (e.g. the short last batch of an epoch reuses a full batch's buffer instead of adding to the peak).
   */
  take(size: number, zeroed: boolean): Float32Array {
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf === undefined) {
      const larger = size >= MIN_VIEW_SIZE ? this.largerIdle(size) : undefined;
      if (larger === undefined) return new Float32Array(size);
      this.idleSet.delete(larger);
      this.idleBytes -= larger.length * 4;
      const view = larger.subarray(0, size);
      if (zeroed) view.fill(0);
      return view;
    }
    this.idleSet.delete(buf);
    this.idleBytes -= size * 4;
    if (zeroed) buf.fill(0);
    return buf;
  }

  /** Returns a buffer that no tensor uses any more. */
  give(buf: Float32Array): void {
    const size = buf.length;
    if (size === 0 || this.idleBytes + size * 4 > this.maxIdleBytes || this.idleSet.has(buf)) return;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    if (list.length >= MAX_FREE_PER_SIZE) return;
    list.push(buf);
    this.idleSet.add(buf);
    this.idleBytes += size * 4;
  }

  /** An idle buffer longer than `size` but at most twice as long, taken off its list; or undefined. */
  private largerIdle(size: number): Float32Array | undefined {
    let best = 0;
    for (const [length, list] of this.free) {
      if (list.length > 0 && length > size && length <= 2 * size && (best === 0 || length < best)) best = length;
    }
    return best === 0 ? undefined : this.free.get(best)!.pop();
  }

  /** Bytes held idle (for tests and diagnostics). */
  get idle(): number {
    return this.idleBytes;
  }
}

/**
 * The memory methods of a backend whose buffers are host Float32Arrays from `pool`: `alloc` takes one
 * (zero-filled unless asked otherwise), `upload` and `download` copy, `adopt` takes the array over, `free`
 * returns it to the pool.
 */
export function hostMemoryMethods(pool: HostBufferPool): Pick<Backend<Float32Array>, 'alloc' | 'upload' | 'adopt' | 'download' | 'free' | 'collectedStorage'> {
  return {
    collectedStorage: true,
    alloc: (size, zeroed = true) => pool.take(size, zeroed),
    upload: (data) => {
      const buf = pool.take(data.length, false);
      buf.set(data);
      return buf;
    },
    adopt: (data) => data,
    download: (buf) => buf.slice(),
    free: (buf) => pool.give(buf),
  };
}
