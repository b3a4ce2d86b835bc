/**
 * `predictAsync`, `evaluateAsync` and fit's validation pass, off the JavaScript thread where the backend can
 * (lib/engine/inference-program.ts: cpu), else batch by batch with a turn of the event loop between batches. Same
 * batches, same kernels, same results as `predict` and `evaluate`; an AbortSignal stops them within one batch.
 */
import { noGrad } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import { abortError, checkSignal, throwIfAborted } from '../engine/abort';
import { compileInference, inferenceRepeatable, offThreadInference, runInference } from '../engine/inference-program';
import { StepControl } from '../engine/step-control';
import { concat, slice } from '../ops/indexing';
import { tidy } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkBatchSize, evaluateBatch, evaluationValue, metricResults, ownCopy, type EvaluationResult } from './evaluate';
import { prepareXY } from './fit-data';
import { toTensor, type InputData } from './input-data';
import { DeviceLossSum } from './loss-sum';
import type { Sequential } from './sequential';

/** Options of `predictAsync` and `evaluateAsync`. */
export interface AsyncInferenceOptions {
  /** Samples per forward pass. Default 32. */
  batchSize?: number;
  /** Aborts the call: it rejects with an error named 'AbortError' within one batch. */
  signal?: AbortSignal;
}

/** Longest run of batches on the JavaScript thread between two turns of the event loop, on the fallback path (ms). */
const YIELD_MS = 4;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function checkOptions(options: unknown, op: string): { batchSize: number; signal: AbortSignal | undefined } {
  if (options === null || typeof options !== 'object') throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
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

/** See `Sequential.predictAsync`. */
export async function predictModelAsync(model: Sequential, x: InputData, options: AsyncInferenceOptions = {}): Promise<Tensor> {
  const { batchSize, signal } = checkOptions(options, 'predictAsync');
  throwIfAborted(signal, 'predictAsync');
  const cx = toTensor(x, 'predictAsync: x');
  const control = new StepControl(signal);
  try {
    model.ensureBuilt(cx.tensor, 'predictAsync');
    const xs = cx.tensor;
    const n = xs.shape[0];
    const full = Math.floor(n / batchSize);
    if (full >= 1 && offThreadInference(xs.backend) && inferenceRepeatable(model, null)) {
      const program = compileInference(model, null, xs, null, batchSize);
      if (program !== null) {
        try {
          const rowOut = program.output.size / batchSize;
          const out = new Tensor(xs.backend, xs.backend.alloc(n * rowOut, false), [n, ...program.output.shape.slice(1)]);
          try {
            const ran = await runInference(program, xs, null, out.storage, null, full, control);
            if (ran < full || control.aborted) throw abortError('predictAsync', signal as AbortSignal);
            if (full * batchSize < n) copyRows(predictRows(model, xs, full * batchSize, n - full * batchSize), out, full * batchSize);
            return out;
          } catch (err) {
            out.dispose();
            throw err;
          }
        } finally {
          program.release();
        }
      }
    }
    return await predictByBatches(model, xs, batchSize, signal);
  } finally {
    control.dispose();
    if (cx.owned) cx.tensor.dispose();
  }
}

/** The model output of rows [start, start + count) of x. */
function predictRows(model: Sequential, x: Tensor, start: number, count: number): Tensor {
  return noGrad(() => tidy(() => { const xb = slice(x, start, count); return ownCopy(model.call(xb, false), xb); }));
}

/** Copies every row of `part` into `out` from row `at` on, and disposes `part`. */
function copyRows(part: Tensor, out: Tensor, at: number): void {
  try {
    const width = part.size / part.shape[0];
    out.backend.copyStrided(part.storage, 0, [1], out.storage, at * width, [1], [part.size], false);
  } finally {
    part.dispose();
  }
}

/** predict batch by batch on the JavaScript thread, with turns of the event loop in between. */
async function predictByBatches(model: Sequential, x: Tensor, batchSize: number, signal: AbortSignal | undefined): Promise<Tensor> {
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
export async function evaluateModelAsync(model: Sequential, x: InputData, y: InputData, options: AsyncInferenceOptions = {}): Promise<number | number[]> {
  const { batchSize, signal } = checkOptions(options, 'evaluateAsync');
  throwIfAborted(signal, 'evaluateAsync');
  const compiled = model.requireCompiled('evaluateAsync');
  const data = prepareXY(model, compiled, x, y, 'evaluateAsync');
  const control = new StepControl(signal);
  try {
    return evaluationValue(compiled, await evaluateCompiledAsync(model, compiled, data.x, data.y, batchSize, control, signal, 'evaluateAsync'));
  } finally {
    control.dispose();
    data.dispose();
  }
}

/**
 * @internal `evaluateCompiled` off the JavaScript thread (or with turns of the event loop between batches): the same
 * loss and metrics. Rejects with the AbortError of `op` when `control` is stopped by `signal`.
 */
export async function evaluateCompiledAsync(model: Sequential, compiled: Compiled, x: Tensor, y: Tensor, batchSize: number,
  control: StepControl, signal: AbortSignal | undefined, op: string): Promise<EvaluationResult> {
  for (const m of compiled.metrics) m.reset();
  const n = x.shape[0];
  const full = Math.floor(n / batchSize);
  const lossSum = new DeviceLossSum();
  const pause = yielder();
  try {
    let start = 0;
    let total = 0;
    let samples = 0;
    if (full >= 1 && offThreadInference(x.backend) && inferenceRepeatable(model, compiled)) {
      const program = compileInference(model, compiled, x, y, batchSize);
      if (program !== null) {
        try {
          const losses = new Float64Array(full);
          const wantOut = compiled.metrics.length > 0;
          const rowOut = program.output.size / batchSize;
          const out = wantOut ? new Tensor(x.backend, x.backend.alloc(n * rowOut, false), [n, ...program.output.shape.slice(1)]) : null;
          try {
            const ran = await runInference(program, x, y, out?.storage ?? null, losses, full, control);
            if (ran < full || control.aborted) throw abortError(op, signal as AbortSignal);
            for (let b = 0; b < full; b++) {
              total += batchSize * losses[b];
              samples += batchSize;
              if (out !== null) {
                const from = b * batchSize;
                noGrad(() => tidy(() => {
                  const yb = slice(y, from, batchSize);
                  const pred = slice(out, from, batchSize);
                  for (const m of compiled.metrics) m.update(yb, pred);
                }));
                await pause();
              }
            }
          } finally {
            out?.dispose();
          }
          start = full * batchSize;
        } finally {
          program.release();
        }
      }
    }
    for (; start < n; start += batchSize) {
      if (control.aborted) throw abortError(op, signal as AbortSignal);
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
