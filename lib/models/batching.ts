/** Splitting sample indices into (optionally shuffled) mini-batches. */
import type { Random } from '../tensor/random';

/**
 * The batches of one epoch over `n` samples: consecutive runs of `batchSize` entries of `order` (the last
 * one smaller), `order` being 0..n-1 or, with a generator, a permutation of it (Fisher-Yates). One batch of
 * all samples when batchSize >= n. Batches are views of `order`, made when asked for.
 */
export class EpochBatches {
  /** Number of batches. */
  readonly count: number;

  constructor(readonly order: Int32Array, readonly batchSize: number) {
    this.count = Math.ceil(order.length / batchSize);
  }

  /** Index of the first sample of batch `b` in `order`. */
  start(b: number): number {
    return b * this.batchSize;
  }

  /** Number of samples of batch `b`. */
  size(b: number): number {
    return Math.min(this.order.length, (b + 1) * this.batchSize) - b * this.batchSize;
  }

  /** The sample indices of batch `b` (a view of `order`). */
  rows(b: number): Int32Array {
    return this.order.subarray(this.start(b), this.start(b) + this.size(b));
  }
}

/** The batches of one epoch (see `EpochBatches`); shuffled when `rng` is given. */
export function makeBatches(n: number, batchSize: number, rng: Random | null): EpochBatches {
  let order: Int32Array;
  if (rng) {
    order = rng.permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  return new EpochBatches(order, batchSize);
}

/** Gathers the entries of a host array at `idx`. */
export function pick(values: Float32Array, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = values[idx[i]];
  return out;
}
