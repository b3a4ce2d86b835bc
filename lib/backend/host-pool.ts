/**
 * A pool of host Float32Arrays for the `cpu` and `reference` backends. Disposed tensors return their
 * buffers here and new tensors of the same size take them back, so a training step in steady state
 * allocates no new typed arrays (and the garbage collector has little to do).
 */

/** Upper bound on bytes kept idle in the pool; beyond it freed buffers are left to the garbage collector. */
const DEFAULT_MAX_IDLE_BYTES = 256 * 1024 * 1024;
/** Buffers at most this long are always pooled; larger ones only while the idle budget allows. */
const MAX_FREE_PER_SIZE = 64;

/** Size-keyed free lists of Float32Arrays. */
export class HostBufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Buffers now idle in the pool: a second `give` of the same buffer is ignored (free is idempotent). */
  private readonly idleSet = new WeakSet<Float32Array>();
  private idleBytes = 0;

  constructor(private readonly maxIdleBytes = DEFAULT_MAX_IDLE_BYTES) {}

  /** A buffer of `size` floats: zero-filled when `zeroed`, else with unspecified contents. */
  take(size: number, zeroed: boolean): Float32Array {
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf === undefined) return new Float32Array(size);
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

  /** Bytes held idle (for tests and diagnostics). */
  get idle(): number {
    return this.idleBytes;
  }
}
