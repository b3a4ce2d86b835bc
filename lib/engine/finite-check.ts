/**
 * The check that every value of a data set is finite (lib/models/input-data.ts), off the JavaScript thread: the
 * sum of each chunk of rows is computed by a native job (a captured `sum` over a chunk buffer, run over every
 * chunk by Backend.runInferenceBatchesAsync), since a sum is NaN or infinite whenever one of its values is. Only
 * when a chunk's sum is not finite does the host scan the data, to name the row and column. On backends without
 * off-thread jobs the check runs as before, on the JavaScript thread.
 */
import type { Backend } from '../backend/backend';
import { sum } from '../ops/reduce';
import type { Tensor } from '../tensor/tensor';
import { checkFinite } from '../models/input-data';
import { rowsLike } from '../models/step-program';
import { batchJobs, compileCapture, offThreadInference } from './inference-program';
import type { StepControl } from './step-control';

/** Floats per chunk: large enough that a chunk's copy and sum dwarf the per-chunk cost. */
const CHUNK_FLOATS = 1 << 18;
/**
 * Below this many floats the check runs on the JavaScript thread: one sum there (under a millisecond) costs less
 * than capturing, compiling and handing a job to a worker thread.
 */
const ON_THREAD_MAX_FLOATS = 1 << 20;

/**
 * Throws the ValueError of `checkFinite` (naming `arg`, the row and the column) when t holds NaN or an infinity,
 * the sums computed off the JavaScript thread where the backend can. Resolves false when `control` stopped it
 * (an abort) before it finished.
 */
export async function checkFiniteAsync(t: Tensor, arg: string, control: StepControl): Promise<boolean> {
  const backend = t.backend as Backend;
  const n = t.shape[0];
  const perRow = t.size / Math.max(n, 1);
  const small = t.size <= ON_THREAD_MAX_FLOATS && process.env.MYELIN_OFF_THREAD !== 'always';
  if (small || !offThreadInference(backend)) {
    checkFinite(t, arg);
    return true;
  }
  const chunk = Math.max(1, Math.min(n, Math.floor(CHUNK_FLOATS / Math.max(perRow, 1))));
  for (const job of batchJobs(n, chunk)) {
    const input = rowsLike(t, job.rows);
    const program = compileCapture(backend, [input], () => [sum(input)]);
    if (program === null) {
      checkFinite(t, arg);
      return true;
    }
    try {
      const sums = new Float64Array(job.count);
      const ran = await (backend.runInferenceBatchesAsync as NonNullable<Backend['runInferenceBatchesAsync']>)({
        compiled: program.compiled, xIn: input.storage, yIn: null, output: null, loss: program.outputs[0].storage,
        x: t.storage, y: null, out: null, losses: sums, batch: job.rows, firstRow: job.first, count: job.count,
      }, control.word);
      if (ran < job.count) return false;
      if (!sums.every(Number.isFinite)) checkFinite(t, arg);  // names the value; passes when a sum only overflowed
    } finally {
      program.release();
    }
  }
  return true;
}
