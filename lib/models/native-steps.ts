/**
 * Training steps handed to the backend in runs (Backend.runTrainingSteps: cpu, and cuda with graphs): once the full-size
 * batches of a fit have a compiled program (lib/models/step-program.ts) and the optimizer's kernel call for
 * that program's gradients is known, `fit` passes a run of consecutive full-size batches to one backend call
 * that gathers each batch, runs the program, applies the optimizer step and keeps the loss, batch after
 * batch, without returning to JavaScript. The results are those of the same steps run one by one.
 *
 * The optimizer's kernel call is taken once per epoch from one ordinary compiled step (Optimizer.lastKernelCall:
 * there is none when the step clips gradients, which runs ops). Runs are sized to last about `yieldEveryMs`, so
 * the event loop still gets its turns. Only fits without batch callbacks, metrics or sample weights take this
 * path; `MYELIN_NATIVE_STEPS=0` turns it off.
 */
import type { Backend } from '../backend/backend';
import type { Optimizer } from '../optimizers/optimizer';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import type { DeviceLossSum } from './loss-sum';
import type { StepRecorder } from './step-program';

/** Per-fit state of the backend-run training steps. */
export class NativeSteps {
  private optimizerCall: { name: string; args: readonly unknown[] } | null = null;
  /**
   * Steps per backend call, adapted so that one call lasts about `yieldMs` on the host, at most 256 (a GPU
   * backend returns before its work is done; the cap bounds how much work is queued at once).
   */
  private chunk = 8;

  private constructor(private readonly backend: Backend, private readonly recorder: StepRecorder,
    private readonly optimizer: Optimizer, private readonly yieldMs: number) {}

  /** The helper for a fit, or null when its backend cannot run steps or the path is turned off. */
  static forFit(backend: Backend, recorder: StepRecorder, optimizer: Optimizer, yieldMs: number): NativeSteps | null {
    if (backend.runTrainingSteps === undefined || process.env.MYELIN_NATIVE_STEPS === '0' || process.env.MYELIN_STEP_COMPILE === '0') return null;
    return new NativeSteps(backend, recorder, optimizer, yieldMs);
  }

  /** Forgets the optimizer's call; the first compiled step of the epoch captures it again. */
  startEpoch(): void {
    this.optimizerCall = null;
  }

  /** Whether the next ordinary step (of `rows` rows) should capture the optimizer's call. */
  wantsCapture(vars: Variable[], rows: number, batchSize: number): boolean {
    return this.optimizerCall === null && rows === batchSize && this.recorder.compiledFor(vars, rows) !== null;
  }

  /** Takes the optimizer's kernel call of the step that just ran (a compiled step: see `wantsCapture`). */
  captureLastUpdate(): void {
    const call = this.optimizer.lastKernelCall;
    this.optimizerCall = call === null ? null : { name: call.name, args: call.args.slice() };
  }

  /**
   * Runs the full-size batches from `batches[b]` on in one backend call (at most `chunk` of them) and returns
   * how many ran; 0 when they cannot run this way (then the caller runs batch b as usual).
   */
  run(vars: Variable[], batches: Int32Array[], b: number, batchSize: number, x: Tensor, y: Tensor, losses: DeviceLossSum): number {
    const call = this.optimizerCall;
    const program = call === null ? null : this.recorder.compiledFor(vars, batchSize);
    if (call === null || program === null) return 0;
    const first = batches[b];
    let k = 0;
    // Consecutive full-size batches that lie back to back in one index array (makeBatches' subarrays do).
    while (k < this.chunk && b + k < batches.length && batches[b + k].length === batchSize &&
      batches[b + k].buffer === first.buffer && batches[b + k].byteOffset === first.byteOffset + k * batchSize * 4) k++;
    if (k === 0) return 0;
    const opt = this.optimizer;
    const lrs = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const lr = opt.learningRateAt(opt.iterations + i);
      if (!(Number.isFinite(lr) && lr >= 0)) return 0;  // the ordinary step reports it
      lrs[i] = lr;
    }
    const slots = losses.reserve(this.backend, k, batchSize);
    const t0 = process.hrtime.bigint();
    (this.backend.runTrainingSteps as NonNullable<Backend['runTrainingSteps']>)({
      compiled: program.compiled, optimizerCall: call, lrs, firstStep: opt.iterations + 1,
      x: x.storage, xIn: program.tensors.x.storage, y: y.storage, yIn: program.tensors.y.storage,
      indices: new Int32Array(first.buffer, first.byteOffset, k * batchSize),
      loss: program.tensors.value.storage, losses: slots.storage, lossOffset: slots.offset,
    });
    opt.iterations += k;
    const msPerStep = Number(process.hrtime.bigint() - t0) / 1e6 / k;
    this.chunk = Math.max(1, Math.min(256, Math.floor(this.yieldMs / Math.max(msPerStep, 1e-4))));
    return k;
  }
}
