/**
 * Inference off the JavaScript thread. The forward pass of one batch (the model's output for `predict`; the
 * loss and the metric input for `evaluate`) is captured once on fixed input buffers (lib/backend/recorder.ts
 * `capture`: the kernel calls are logged, not run, so the JavaScript thread computes nothing) and compiled by the
 * backend into a native program (Backend.compileCalls); one native job on a worker thread then runs it over the
 * batches of the data (Backend.runInferenceBatchesAsync), copying each batch in and its output rows and loss out.
 * The last, smaller batch gets its own program and job. The kernels, their order and the batch sizes are those of
 * the ordinary path, so results are bit for bit the same.
 *
 * Only steps known to be fixed functions of their inputs and weights are compiled this way (every layer the
 * library's own and deterministic at inference, a built-in loss); anything else returns null and the caller
 * takes the ordinary path.
 */
import type { Backend } from '../backend/backend';
import { CaptureRefused, capture, discard, replay, type Recording } from '../backend/recorder';
import { noGrad } from '../autograd/tape';
import { Dropout } from '../layers/dropout';
import { withPrevalidatedLabels } from '../losses/categorical-crossentropy';
import { mulScalar } from '../ops/unary';
import { keep, tidy } from '../tensor/scope';
import { rowsLike } from '../models/step-program';
import { Tensor } from '../tensor/tensor';
import type { Compiled } from '../models/compile';
import type { Model } from '../models/model';
import { batchLoss, lossesBuiltIn, metricInput } from '../models/step';
import type { StepControl } from './step-control';

/** A compiled forward pass over batches of `batch` rows. */
export interface InferenceProgram {
  compiled: unknown;
  batch: number;
  xIn: Tensor;
  yIn: Tensor | null;
  /** The model output (predict) or the metric input (evaluate), [batch, ...]. */
  output: Tensor;
  /** The batch loss (evaluate only). */
  loss: Tensor | null;
  release(): void;
}

/** True when every layer of `model` is a fixed function of its input and weights at inference. */
export function inferenceRepeatable(model: Model, compiled: Compiled | null): boolean {
  const layersOk = model.layers.every((l) => l instanceof Dropout || l.repeatableStep());
  if (compiled === null) return layersOk;
  return layersOk && lossesBuiltIn(compiled);
}

/** True when `backend` can run inference programs off the JavaScript thread (and MYELIN_OFF_THREAD is not '0'). */
export function offThreadInference(backend: Backend): boolean {
  return backend.runInferenceBatchesAsync !== undefined && backend.compileCalls !== undefined && process.env.MYELIN_OFF_THREAD !== '0';
}

/** A compiled capture: the backend's compiled unit, the tensors the captured code returned, and their release. */
export interface CompiledCapture {
  compiled: unknown;
  outputs: Tensor[];
  /** Releases the compiled unit, the outputs, the recording's buffers and the `owned` tensors. */
  release(): void;
}

/**
 * Captures `fn` on `backend` (lib/backend/recorder.ts `capture`: nothing is computed) and compiles the recording.
 * `owned` (the tensors the capture reads, e.g. its input buffers) are released with the result, or at once when
 * there is none: null when the code reads values back (CaptureRefused) or the backend cannot compile it.
 */
export function compileCapture(backend: Backend, owned: Tensor[], fn: () => Tensor[]): CompiledCapture | null {
  let recording: Recording | null = null;
  let outputs: Tensor[] = [];
  const release = (): void => {
    for (const t of [...owned, ...outputs]) t.dispose();
    if (recording) discard(recording);
  };
  try {
    const captured = capture(backend, () => noGrad(() => tidy(fn)));
    recording = captured.recording;
    outputs = captured.result.map((t) => keep(t));
    const rec = recording;
    const compiled = backend.compileCalls?.(rec.calls, () => replay(rec)) ?? null;
    if (compiled === null) {
      release();
      return null;
    }
    return { compiled, outputs, release: () => { backend.releaseCompiled?.(compiled); release(); } };
  } catch (err) {
    release();
    if (err instanceof CaptureRefused) return null;  // the code reads values: the caller runs it for real
    throw err;
  }
}

/**
 * The native jobs over n rows in batches of `batchSize`: one job of every full batch, then one of the last,
 * smaller batch (each job runs one compiled program of its batch size).
 */
export function batchJobs(n: number, batchSize: number): { rows: number; first: number; count: number }[] {
  const full = Math.floor(n / batchSize);
  const jobs = full > 0 ? [{ rows: batchSize, first: 0, count: full }] : [];
  if (full * batchSize < n) jobs.push({ rows: n - full * batchSize, first: full * batchSize, count: 1 });
  return jobs;
}

/**
 * Captures and compiles the forward pass of `model` on batches of `batch` rows shaped like x (and y): the output
 * (compiled === null) or the loss with the metric input (evaluate). Nothing is computed here. null when the
 * backend cannot compile it or the pass reads values back to the host.
 */
export function compileInference(model: Model, compiled: Compiled | null, x: Tensor, y: Tensor | null, batch: number): InferenceProgram | null {
  const xIn = rowsLike(x, batch);
  const yIn = y === null ? null : rowsLike(y, batch);
  let maskedMetrics = false;  // metrics weighted by the output's time mask: the batch-by-batch path serves them
  const program = compileCapture(x.backend, yIn === null ? [xIn] : [xIn, yIn], () => {
    if (compiled === null || yIn === null) {
      const out = model.callPacked(xIn, false);
      return [out === xIn ? mulScalar(out, 1) : out];
    }
    return withPrevalidatedLabels(() => {
      const { total, output, mask } = batchLoss(model, compiled, xIn, yIn, null, false);
      maskedMetrics = mask !== null && compiled.metrics.length > 0;
      return [compiled.metrics.length > 0 ? metricInput(compiled, output) : output, total];
    });
  });
  if (program === null) return null;
  if (maskedMetrics) {
    program.release();
    return null;
  }
  const [output, loss = null] = program.outputs;
  return { compiled: program.compiled, batch, xIn, yIn, output, loss, release: program.release };
}

/**
 * Runs `program` over `count` batches of x (and y) from row `firstRow` on, on a worker thread; the output rows go
 * to the same rows of `out` (a buffer of x's rows times the output width) and the batch losses to `losses`.
 * Resolves with the batches run (fewer when `control` stopped the job).
 */
export function runInference(program: InferenceProgram, x: Tensor, y: Tensor | null, out: unknown, losses: Float64Array | null,
  firstRow: number, count: number, control: StepControl): Promise<number> {
  const backend = x.backend;
  return (backend.runInferenceBatchesAsync as NonNullable<Backend['runInferenceBatchesAsync']>)({
    compiled: program.compiled, xIn: program.xIn.storage, yIn: program.yIn?.storage ?? null, output: out === null ? null : program.output.storage,
    loss: losses === null ? null : program.loss?.storage ?? null, x: x.storage, y: y?.storage ?? null, out,
    losses, batch: program.batch, firstRow, count,
  }, control.word);
}
