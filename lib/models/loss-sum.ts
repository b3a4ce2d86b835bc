/**
 * The batch losses of an epoch kept on the backend: each batch copies its scalar loss into the next slot of
 * a device vector (one kernel call, no read-back), and `mean()` downloads the vector once, at the end of
 * the epoch, and averages in float64 on the host, exactly as reading each batch loss would have. On a GPU
 * this keeps the host from waiting for every batch.
 *
 *   epoch loss = sum_b size_b * loss_b / sum_b size_b
 */
import type { Backend } from '../backend/backend';
import type { Tensor } from '../tensor/tensor';

const UNIT = [1];

/** Batch losses of one epoch (or one evaluation) on the backend, with their batch sizes on the host. */
export class DeviceLossSum {
  private backend: Backend<unknown> | null = null;
  private storage: unknown = null;
  private capacity = 0;
  /** Batch sizes as runs: runSizes[r] samples in each of runCounts[r] consecutive batches. */
  private runSizes: number[] = [];
  private runCounts: number[] = [];
  private count = 0;

  /** Records a batch's scalar `loss` (a tensor of one value) for a batch of `size` samples. */
  add(loss: Tensor, size: number): void {
    const backend = loss.backend as Backend<unknown>;
    const { storage, offset } = this.reserve(backend, 1, size);
    backend.copyStrided(loss.storage, 0, UNIT, storage, offset, UNIT, UNIT, false);
  }

  /**
   * Reserves the next `count` slots for batches of `size` samples and returns where they are, for a backend
   * call that writes `count` losses itself (Backend.runTrainingSteps).
   */
  reserve(backend: Backend<unknown>, count: number, size: number): { storage: unknown; offset: number } {
    if (this.backend !== backend) {
      if (this.count > 0) throw new Error('DeviceLossSum: every loss of one epoch must be on one backend');
      this.release();
      this.backend = backend;
    }
    const offset = this.count;
    if (offset + count > this.capacity) this.grow(backend, Math.max(64, this.capacity * 2, offset + count));
    const last = this.runSizes.length - 1;
    if (last >= 0 && this.runSizes[last] === size) {
      this.runCounts[last] += count;
    } else {
      this.runSizes.push(size);
      this.runCounts.push(count);
    }
    this.count += count;
    return { storage: this.storage, offset };
  }

  /** Gives back the last `count` reserved slots (a backend job that stopped early wrote no loss there). */
  unreserve(count: number): void {
    let left = count;
    while (left > 0 && this.runSizes.length > 0) {
      const last = this.runSizes.length - 1;
      const take = Math.min(left, this.runCounts[last]);
      this.runCounts[last] -= take;
      this.count -= take;
      left -= take;
      if (this.runCounts[last] === 0) {
        this.runSizes.pop();
        this.runCounts.pop();
      }
    }
  }

  /** The sample-weighted mean of the losses recorded since the last reset (one download), NaN when none. */
  mean(): number {
    const { total, samples } = this.sums();
    return total / samples;
  }

  /**
   * The sum of size * loss over the recorded batches, in order, in float64, and the sum of their sizes (one
   * download; 0 and 0 when none).
   */
  sums(): { total: number; samples: number } {
    if (this.count === 0 || this.backend === null) return { total: 0, samples: 0 };
    const values = this.backend.download(this.storage);
    let total = 0;
    let samples = 0;
    let b = 0;
    for (let r = 0; r < this.runSizes.length; r++) {
      const size = this.runSizes[r];
      for (const end = b + this.runCounts[r]; b < end; b++) {
        total += size * values[b];
        samples += size;
      }
    }
    return { total, samples };
  }

  /** Forgets the recorded losses (the device vector stays for the next epoch). */
  reset(): void {
    this.runSizes = [];
    this.runCounts = [];
    this.count = 0;
  }

  /** Releases the device vector. */
  dispose(): void {
    this.release();
    this.reset();
  }

  private grow(backend: Backend<unknown>, capacity: number): void {
    const bigger = backend.alloc(capacity, false);
    if (this.storage !== null && this.count > 0) {
      backend.copyStrided(this.storage, 0, UNIT, bigger, 0, UNIT, [this.count], false);
    }
    if (this.storage !== null) backend.free(this.storage);
    this.storage = bigger;
    this.capacity = capacity;
  }

  private release(): void {
    if (this.backend !== null && this.storage !== null) this.backend.free(this.storage);
    this.storage = null;
    this.capacity = 0;
  }
}
