/**
 * `predictAsync`, `evaluateAsync` and fit's validation pass, off the JavaScript thread where the backend can
 * (lib/engine/inference-program.ts: cpu), else batch by batch with a turn of the event loop between batches. Same
 * batches, same kernels, same results as `predict` and `evaluate`; an AbortSignal stops them within one batch.
 */
import { noGrad } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import { abortError, checkSignal, throwIfAborted, type AbortSignalLike } from '../engine/abort';
import { batchJobs, compileInference, inferenceRepeatable, offThreadInference, runInference, type InferenceProgram } from '../engine/inference-program';
import { checkFiniteAsync } from '../engine/finite-check';
import { StepControl } from '../engine/step-control';
import { concat, slice } from '../ops/indexing';
import { tidy } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkBatchSize, checkReturnDict, evaluateBatch, evaluateCompiled, evaluationValue, metricResults, ownCopy, predictModel, type EvaluateResult, type EvaluationResult } from './evaluate';
import { prepareXY } from './fit-data';
import { checkLabelsAsync } from '../engine/label-check';
import { toTensor, type InputData } from './input-data';
import { DeviceLossSum } from './loss-sum';
import type { Model } from './model';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of `predictAsync` and `evaluateAsync`. */
export interface AsyncInferenceOptions {
  /** Samples per forward pass. Default 32. */
  batchSize?: number;
  /** Aborts the call: it rejects with an error named 'AbortError' within one batch. */
  signal?: AbortSignalLike;
}

/** Options of `evaluateAsync`: those of `predictAsync` and `returnDict` (see `EvaluateOptions`). */
export interface AsyncEvaluateOptions extends AsyncInferenceOptions {
  /** Return `{ loss, [metricName]: value }` (Keras's `return_dict=True`). Default false. */
  returnDict?: boolean;
}

/** Longest run of batches on the JavaScript thread between two turns of the event loop, on the fallback path (ms). */
const YIELD_MS = 4;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A forward pass over fewer multiply-adds than this (rows x the model's parameters) runs on the JavaScript thread
 * at once, as `predict` / `evaluate`: it takes well under a millisecond there, less than capturing, compiling and
 * handing jobs to a worker thread (a validation pass of 360 rows through a 64-64-10 network each epoch: 1.7M).
 */
const ON_THREAD_MAX_MACS = 1 << 22;

/** True when the forward pass of `rows` rows through `model` is small enough to run on the JavaScript thread. */
function smallPass(model: Model, rows: number): boolean {
  return process.env.MYELIN_OFF_THREAD !== 'always' && rows * model.countParams() <= ON_THREAD_MAX_MACS;
}

/** The keys of AsyncInferenceOptions. */
const ASYNC_KEYS = optionKeys<AsyncInferenceOptions>({ batchSize: true, signal: true });
/** The keys of AsyncEvaluateOptions. */
const EVALUATE_ASYNC_KEYS = optionKeys<AsyncEvaluateOptions>({ batchSize: true, signal: true, returnDict: true });

function asyncOptions(options: unknown, op: string, keys: readonly string[] = ASYNC_KEYS): { batchSize: number; signal: AbortSignalLike | undefined } {
  if (options === null || typeof options !== 'object') throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  checkOptions(op, options, keys);
  const o = options as AsyncInferenceOptions;
  return { batchSize: checkBatchSize(o.batchSize, op), signal: checkSignal(o.signal, op) };
}

/** A loop helper: true (after a turn of the event loop) when YIELD_MS passed since the last turn. */
function yielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < YIELD_MS) return;
    await nextTurn();
    last = Date.now();
  };
}

/**
 * Runs the compiled forward pass over every batch of x (and y) in native jobs (batchJobs), each job's program
 * captured first; the output rows go to `out`, the batch losses to `losses` in batch order. False when a program
 * cannot be compiled (before any job ran); rejects with the AbortError of `op` when `control` stopped a job.
 */
async function runJobs(model: Model, compiled: Compiled | null, x: Tensor, y: Tensor | null, batchSize: number,
  out: (outputShape: readonly number[]) => Tensor | null, losses: Float64Array | null, control: StepControl,
  signal: AbortSignalLike | undefined, op: string): Promise<boolean> {
  const jobs = batchJobs(x.shape[0], batchSize);
  const programs: InferenceProgram[] = [];
  try {
    for (const job of jobs) {
      const program = compileInference(model, compiled, x, y, job.rows);
      if (program === null) return false;
      programs.push(program);
      await nextTurn();  // each capture is a short burst of JavaScript: the event loop gets a turn after it
    }
    const target = out(programs[0].output.shape);
    for (let j = 0; j < jobs.length; j++) {
      const { first, count } = jobs[j];
      const slot = losses === null ? null : losses.subarray(j === 0 ? 0 : jobs[0].count);
      const ran = await runInference(programs[j], x, y, target?.storage ?? null, slot, first, count, control);
      if (ran < count || control.aborted) throw abortError(op, signal as AbortSignalLike);
    }
    return true;
  } finally {
    for (const p of programs) p.release();
  }
}

/** The number of batches of `batchSize` over n rows. */
const batchCount = (n: number, batchSize: number): number => Math.ceil(n / batchSize);

/** See `Sequential.predictAsync`. */
export async function predictModelAsync(model: Model, x: InputData, options: AsyncInferenceOptions = {}): Promise<Tensor> {
  const { batchSize, signal } = asyncOptions(options, 'predictAsync');
  throwIfAborted(signal, 'predictAsync');
  const cx = toTensor(x, 'predictAsync: x', true);
  const control = new StepControl(signal);
  try {
    if (!(await checkFiniteAsync(cx.tensor, 'predictAsync: x', control))) throw abortError('predictAsync', signal as AbortSignalLike);
    model.ensureBuilt(cx.tensor, 'predictAsync');
    const xs = cx.tensor;
    const n = xs.shape[0];
    if (smallPass(model, n)) return predictModel(model, xs, { batchSize });
    if (n > 0 && offThreadInference(xs.backend) && inferenceRepeatable(model, null)) {
      let result: Tensor | null = null;
      const make = (shape: readonly number[]): Tensor => {
        const rowOut = shape.slice(1).reduce((a, d) => a * d, 1);
        result = new Tensor(xs.backend, xs.backend.alloc(n * rowOut, false), [n, ...shape.slice(1)]);
        return result;
      };
      try {
        if (await runJobs(model, null, xs, null, batchSize, make, null, control, signal, 'predictAsync') && result !== null) return result;
      } catch (err) {
        (result as Tensor | null)?.dispose();
        throw err;
      }
    }
    return await predictByBatches(model, xs, batchSize, signal);
  } finally {
    control.dispose();
    if (cx.owned) cx.tensor.dispose();
  }
}

/** The model output of rows [start, start + count) of x. */
function predictRows(model: Model, x: Tensor, start: number, count: number): Tensor {
  return noGrad(() => tidy(() => { const xb = slice(x, start, count); return ownCopy(model.callPacked(xb, false), xb); }));
}

/** predict batch by batch on the JavaScript thread, with turns of the event loop in between. */
async function predictByBatches(model: Model, x: Tensor, batchSize: number, signal: AbortSignalLike | undefined): Promise<Tensor> {
  const n = x.shape[0];
  const parts: Tensor[] = [];
  const pause = yielder();
  try {
    for (let start = 0; start < n; start += batchSize) {
      throwIfAborted(signal, 'predictAsync');
      parts.push(predictRows(model, x, start, Math.min(batchSize, n - start)));
      await pause();
    }
    throwIfAborted(signal, 'predictAsync');
    if (parts.length === 1) return parts.pop() as Tensor;
    return tidy(() => concat(parts, 0));
  } finally {
    for (const p of parts) p.dispose();
  }
}

/** See `Sequential.evaluateAsync`. */
export async function evaluateModelAsync(model: Model, x: InputData, y: InputData, options: AsyncEvaluateOptions = {}): Promise<EvaluateResult> {
  const { batchSize, signal } = asyncOptions(options, 'evaluateAsync', EVALUATE_ASYNC_KEYS);
  const returnDict = checkReturnDict(options.returnDict, 'evaluateAsync');
  throwIfAborted(signal, 'evaluateAsync');
  const compiled = model.requireCompiled('evaluateAsync');
  const data = prepareXY(model, compiled, x, y, 'evaluateAsync', true);
  const control = new StepControl(signal);
  try {
    if (!(await checkFiniteAsync(data.x, 'evaluateAsync: x', control))) throw abortError('evaluateAsync', signal as AbortSignalLike);
    if (!(await checkLabelsAsync(data.y, data.labelCheck, control))) throw abortError('evaluateAsync', signal as AbortSignalLike);
    return evaluationValue(compiled, await evaluateCompiledAsync(model, compiled, data.x, data.y, batchSize, control, signal, 'evaluateAsync'), returnDict);
  } finally {
    control.dispose();
    data.dispose();
  }
}

/**
 * @internal `evaluateCompiled` off the JavaScript thread (or with turns of the event loop between batches): the same
 * loss and metrics. Rejects with the AbortError of `op` when `control` is stopped by `signal`.
 */
export async function evaluateCompiledAsync(model: Model, compiled: Compiled, x: Tensor, y: Tensor, batchSize: number,
  control: StepControl, signal: AbortSignalLike | undefined, op: string): Promise<EvaluationResult> {
  if (smallPass(model, x.shape[0])) return evaluateCompiled(model, compiled, x, y, batchSize);
  for (const m of compiled.metrics) m.reset();
  const n = x.shape[0];
  const lossSum = new DeviceLossSum();
  const pause = yielder();
  try {
    let start = 0;
    let total = 0;
    let samples = 0;
    if (n > 0 && offThreadInference(x.backend) && inferenceRepeatable(model, compiled)) {
      const losses = new Float64Array(batchCount(n, batchSize));
      let out: Tensor | null = null;
      const make = (shape: readonly number[]): Tensor | null => {
        if (compiled.metrics.length === 0) return null;
        out = new Tensor(x.backend, x.backend.alloc(n * shape.slice(1).reduce((a, d) => a * d, 1), false), [n, ...shape.slice(1)]);
        return out;
      };
      try {
        if (await runJobs(model, compiled, x, y, batchSize, make, losses, control, signal, op)) {
          for (let b = 0; b < losses.length; b++) {
            const from = b * batchSize;
            const rows = Math.min(batchSize, n - from);
            total += rows * losses[b];
            samples += rows;
            const pred = out as Tensor | null;
            if (pred !== null) {
              noGrad(() => tidy(() => {
                const yb = slice(y, from, rows);
                const pb = slice(pred, from, rows);
                for (const m of compiled.metrics) m.update(yb, pb);
              }));
              await pause();
            }
          }
          start = n;
        }
      } finally {
        (out as Tensor | null)?.dispose();
      }
    }
    for (; start < n; start += batchSize) {
      if (control.aborted) throw abortError(op, signal as AbortSignalLike);
      evaluateBatch(model, compiled, x, y, start, Math.min(batchSize, n - start), lossSum);
      await pause();
    }
    await x.backend.settleAsync?.();
    const rest = lossSum.sums();
    total += rest.total;
    samples += rest.samples;
    return { loss: total / samples, metrics: metricResults(compiled) };
  } finally {
    lossSum.dispose();
  }
}
