/** Splitting sample indices into (optionally shuffled) mini-batches. */
import type { Random } from '../tensor/random';

/**
 * The batches of one epoch over `n` samples: consecutive chunks of `batchSize` indices (the last one
 * smaller), after a Fisher-Yates shuffle when `rng` is given. One batch of all samples when batchSize >= n.
 */
export function makeBatches(n: number, batchSize: number, rng: Random | null): Int32Array[] {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (rng) rng.shuffle(order);
  const out: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) out.push(order.subarray(start, Math.min(n, start + batchSize)));
  return out;
}

/** Gathers the entries of a host array at `idx`. */
export function pick(values: Float32Array, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = values[idx[i]];
  return out;
}
