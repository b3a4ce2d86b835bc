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
import { isBuiltInLoss } from '../losses/checks';
import { withPrevalidatedLabels } from '../losses/categorical-crossentropy';
import { mulScalar } from '../ops/unary';
import { keep, tidy } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import type { Compiled } from '../models/compile';
import type { Sequential } from '../models/sequential';
import { batchLoss, metricInput } from '../models/step';
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
export function inferenceRepeatable(model: Sequential, compiled: Compiled | null): boolean {
  const layersOk = model.layers.every((l) => l instanceof Dropout || l.repeatableStep());
  if (compiled === null) return layersOk;
  return layersOk && isBuiltInLoss(compiled.loss) && (compiled.logitsLoss === null || isBuiltInLoss(compiled.logitsLoss));
}

/** True when `backend` can run inference programs off the JavaScript thread (and MYELIN_OFF_THREAD is not '0'). */
export function offThreadInference(backend: Backend): boolean {
  return backend.runInferenceBatchesAsync !== undefined && backend.compileCalls !== undefined && process.env.MYELIN_OFF_THREAD !== '0';
}

function inputLike(t: Tensor, rows: number): Tensor {
  const shape = [rows, ...t.shape.slice(1)];
  return keep(new Tensor(t.backend, t.backend.alloc(rows * (t.size / t.shape[0]), true), shape));
}

/**
 * Captures and compiles the forward pass of `model` on batches of `batch` rows shaped like x (and y): the output
 * (compiled === null) or the loss with the metric input (evaluate). Nothing is computed here. null when the
 * backend cannot compile it or the pass reads values back to the host.
 */
export function compileInference(model: Sequential, compiled: Compiled | null, x: Tensor, y: Tensor | null, batch: number): InferenceProgram | null {
  const backend = x.backend;
  const xIn = inputLike(x, batch);
  const yIn = y === null ? null : inputLike(y, batch);
  let recording: Recording | null = null;
  let outputs: { output: Tensor; loss: Tensor | null } | null = null;
  const release = (): void => {
    for (const t of [xIn, yIn, outputs?.output, outputs?.loss]) t?.dispose();
    if (recording) discard(recording);
  };
  try {
    const recorded = capture(backend, () => noGrad(() => tidy(() => {
      if (compiled === null || yIn === null) {
        const out = model.call(xIn, false);
        return { output: out === xIn ? mulScalar(out, 1) : out, loss: null };
      }
      return withPrevalidatedLabels(() => {
        const { total, output } = batchLoss(model, compiled, xIn, yIn, null, false);
        return { output: compiled.metrics.length > 0 ? metricInput(compiled, output) : output, loss: total };
      });
    })));
    recording = recorded.recording;
    outputs = recorded.result;
    keep(outputs.output);
    if (outputs.loss) keep(outputs.loss);
    const program = recording.readBack || backend.compileCalls === undefined ? null : backend.compileCalls(recording.calls, () => replay(recording as Recording));
    if (program === null || program === undefined) {
      release();
      return null;
    }
    return { compiled: program, batch, xIn, yIn, output: outputs.output, loss: outputs.loss, release: () => {
      backend.releaseCompiled?.(program);
      release();
    } };
  } catch (err) {
    release();
    if (err instanceof CaptureRefused) return null;  // the pass reads values: the caller runs it for real
    throw err;
  }
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
