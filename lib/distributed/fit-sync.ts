/**
 * What `fit` does on a world of more than one rank (lib/distributed/world.ts), all on the JavaScript thread:
 *
 * - at fit start, `checkModelsAtFitStart`: every rank's weights must have the same count, shapes and values, and
 *   (arrays) every rank the same number of steps per epoch; refused with a DistributedError naming the first
 *   weight (or count) and rank that differ;
 * - every step, the gradients are averaged between the backward pass and the optimizer: inside the compiled step
 *   where the backend can (`averageGradientsInProgram`: cpu, native/cpu/gradient_sync.cc, buckets exchanged while
 *   the backward pass runs, no return to JavaScript), else by `averageGradients` on the JavaScript thread (the
 *   first, recorded steps, and backends without it). Both compute g = (sum over ranks of g_r) / size,
 *   where g_r is rank r's gradient (its loss's mean over its own batch), summed in float64 in rank order 0..N-1,
 *   divided by size and rounded to float32 once, so every rank gets the same bits whatever MPI's algorithms (the
 *   JavaScript path sums with one float64 MPI_Allreduce, exact for up to 2^29 ranks of float32 inputs of like
 *   magnitude, hence the same values). With equal per-rank batches b this is
 *   the gradient of one rank's mean over the size * b samples, up to float32 rounding of the per-rank means;
 * - at every epoch end, `averageLogs`: the loss and metrics that fit reports, averaged over ranks, so callbacks
 *   (early stopping, learning-rate schedules) decide alike everywhere; checkpoints are written by rank 0 only.
 */
import type { Backend } from '../backend/backend';
import { DistributedError } from '../errors';
import { tensor as makeTensor } from '../ops/creation';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { activeTransport, checkSameShape, syncSettings } from './world';

export { asDistributedError } from './transport';

/** Time spent in the gradient all-reduce of fit (copy out, MPI_Allreduce, average, copy in), for benchmarks. */
const stats = { allReduceMs: 0, allReduceCalls: 0 };

/** @internal Milliseconds and calls of `averageGradients` since the last reset (benchmarks/distributed). */
export function allReduceStats(reset = false): { allReduceMs: number; allReduceCalls: number } {
  const out = { ...stats };
  if (reset) stats.allReduceMs = stats.allReduceCalls = 0;
  return out;
}

/**
 * In a world of several ranks on a backend that can (cpu), makes the compiled step `compiled` average its gradients
 * `grads` over the ranks itself, while its backward pass runs (Backend.attachGradientSync); true when it does
 * (then no step run by it needs `averageGradients`).
 */
export function averageGradientsInProgram(backend: Backend, compiled: unknown, grads: readonly Tensor[]): boolean {
  if (activeTransport() === null || backend.attachGradientSync === undefined) return false;
  const { bucketBytes, timeoutMs } = syncSettings();
  backend.attachGradientSync(compiled, grads.map((g) => g.storage), bucketBytes, timeoutMs);
  return true;
}

/** This process's rank in the current world (0 without a world of several ranks). */
export function distributedRank(): number {
  return activeTransport()?.rank ?? 0;
}

/** The size of the current world when it has several ranks, else 1. */
export function distributedSize(): number {
  return activeTransport()?.size ?? 1;
}

/** FNV-1a over the bits of `values`: equal floats give equal hashes (an integer below 2^32, exact in a double). */
function bitsHash(values: Float32Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  return h;
}

/**
 * Refuses a fit whose ranks do not hold the same model, with a DistributedError naming the first difference: the
 * number of weights, a weight's shape, a weight's values (a model built from another seed: call my.setSeed(s)
 * with the same s on every rank before building it, or load the same weights), or the number of steps per epoch
 * (`stepsPerEpoch`, when known up front: shards of unequal size would leave a rank waiting for the others).
 */
export function checkModelsAtFitStart(weights: readonly Variable[], stepsPerEpoch?: number): void {
  const tr = activeTransport();
  if (tr === null) return;
  const head = tr.allGather(Float64Array.of(weights.length, stepsPerEpoch ?? -1));
  for (let r = 1; r < tr.size; r++) {
    if (head[2 * r] !== head[0]) {
      throw new DistributedError(`fit: rank ${r}'s model has ${head[2 * r]} weights but rank 0's has ${head[0]}; every rank must build the same model`, r);
    }
    if (head[2 * r + 1] !== head[1]) {
      throw new DistributedError(`fit: rank ${r} has ${head[2 * r + 1]} steps per epoch but rank 0 has ${head[1]}; give every rank ` +
        'a shard of the same size (my.data.shardRows of a row count divisible by the world size, or drop the extra rows)', r);
    }
  }
  for (let i = 0; i < weights.length; i++) checkSameShape(tr, weights[i].shape, `fit: weight ${i} ('${weights[i].name}') differs across ranks`);
  const hashes = tr.allGather(Float64Array.from(weights, (v) => bitsHash(v.dataSync())));
  for (let r = 1; r < tr.size; r++) {
    for (let i = 0; i < weights.length; i++) {
      if (hashes[r * weights.length + i] !== hashes[i]) {
        throw new DistributedError(`fit: weight ${i} ('${weights[i].name}') holds other values on rank ${r} than on rank 0; every rank must ` +
          'start from the same weights: call my.setSeed(s) with the same s on every rank before building the model (or load the same weights)', r);
      }
    }
  }
}

/** The gradients averaged over the ranks (see the file comment), as new tensors the caller disposes; null alone. */
export function averageGradients(grads: readonly Tensor[]): Tensor[] | null {
  const tr = activeTransport();
  if (tr === null) return null;
  const began = performance.now();
  let total = 0;
  for (const g of grads) total += g.size;
  const sum = new Float64Array(total);
  let at = 0;
  for (const g of grads) {
    sum.set(g.dataSync(), at);
    at += g.size;
  }
  tr.allReduceSum(sum);
  at = 0;
  const out = grads.map((g) => {
    const mean = new Float32Array(g.size);
    for (let i = 0; i < mean.length; i++) mean[i] = sum[at + i] / tr.size;
    at += g.size;
    return makeTensor(mean, g.shape.slice());
  });
  stats.allReduceMs += performance.now() - began;
  stats.allReduceCalls++;
  return out;
}

/** Replaces every numeric value of `logs` by its mean over the ranks (keys in sorted order, the same on every rank). */
export function averageLogs(logs: Record<string, unknown>): void {
  const tr = activeTransport();
  if (tr === null) return;
  const keys = Object.keys(logs).filter((k) => typeof logs[k] === 'number').sort();
  const values = Float64Array.from(keys, (k) => logs[k] as number);
  tr.allReduceSum(values);
  keys.forEach((k, i) => { logs[k] = values[i] / tr.size; });
}
