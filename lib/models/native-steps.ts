/**
 * Training steps handed to the backend in runs (Backend.runTrainingSteps: cpu, and cuda with graphs): once the
 * batches of one size have a compiled program (lib/models/step-program.ts), `fit` passes a run of consecutive
 * batches of that size to one backend call that gathers each batch, runs the program, applies the optimizer
 * step and keeps the loss, batch after batch, without returning to JavaScript. The last, smaller batch of an
 * epoch gets its own program and runs the same way. The results are those of the same steps run one by one.
 *
 * When nothing needs the epochs one by one either (no callbacks, no validation), whole epochs go to one backend
 * call where the backend has one (Backend.runTrainingEpochs, cpu), which also shuffles each epoch with the fit's
 * generator and returns each epoch's loss.
 *
 * The optimizer's kernel call for a program's gradients comes from `Optimizer.kernelCallFor` (none when the
 * step clips gradients, which runs ops) and is kept until the optimizer's state changes. It reads the learning
 * rate and the step count from the optimizer's backend buffer (lib/optimizers/hyper-buffer.ts): before a run the
 * optimizer fills it (`beforeBackendSteps`), the run stores each step's rate into it from `lrs` (a schedule may
 * change the rate every step) and each step advances its count. Only fits without batch
 * callbacks, metrics or sample weights take this path; `MYELIN_NATIVE_STEPS=0` turns it off.
 *
 * Off the JavaScript thread (`offThread`: the backend has the async runners, cpu, and `MYELIN_OFF_THREAD` is not
 * '0'): each call runs on a native worker thread (`runAsync`, `runEpochsAsync`) while the event loop stays free;
 * a call covers every remaining full batch of the epoch (or many whole epochs), and an abort or `stopTraining`
 * stops it between two steps through the fit's StepControl. On the JavaScript thread (cuda, or
 * MYELIN_OFF_THREAD=0) calls are sized to last about `yieldEveryMs`, so the event loop still gets its turns.
 */
import type { Backend, TrainingStepKind, TrainingStepsPlan } from '../backend/backend';
import type { Optimizer, OptimizerKernelCall } from '../optimizers/optimizer';
import type { Random } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import type { EpochBatches } from './batching';
import type { DeviceLossSum } from './loss-sum';
import type { StepRecorder } from './step-program';
import type { StepControl } from '../engine/step-control';

/** The most steps one off-thread call runs (bounds the learning-rate and index arrays of one call). */
const MAX_ASYNC_STEPS = 1 << 16;

/** True when backend-run steps go off the JavaScript thread on `backend`. */
export function offThreadSteps(backend: Backend): boolean {
  return backend.runTrainingStepsAsync !== undefined && process.env.MYELIN_OFF_THREAD !== '0';
}

/** Per-fit state of the backend-run training steps. */
export class NativeSteps {
  /** The optimizer call of each compiled program (null: the optimizer has none), with the state version it was made at. */
  private readonly calls = new Map<unknown, { call: OptimizerKernelCall | null; version: number }>();
  /** Host milliseconds per step of the last backend call (0 before the first). */
  private msPerStep = 0;

  /**
   * Steps per batch run: as many as last about `yieldMs` on the host, at most 256 (a GPU backend returns before
   * its work is done; the cap bounds how much work is queued at once); 8 before the first call is timed.
   */
  private get chunk(): number {
    return this.msPerStep === 0 ? 8 : Math.max(1, Math.min(256, Math.floor(this.yieldMs / this.msPerStep)));
  }

  /** The helper of a fit whose strategy (lib/engine/strategy.ts) runs steps in backend jobs. */
  constructor(private readonly backend: Backend, private readonly recorder: StepRecorder,
    private readonly optimizer: Optimizer, private readonly yieldMs: number) {}

  /**
   * Runs the batches from `batches[b]` on that have its size in one backend call (at most `chunk` of them)
   * and returns how many ran; 0 when they cannot run this way (then the caller runs batch b as usual).
   */
  run(vars: Variable[], batches: EpochBatches, b: number, x: Tensor, y: Tensor, losses: DeviceLossSum): number {
    const steps = this.stepsPlan(vars, batches, b, x, y, losses, this.chunk);
    if (steps === null) return 0;
    const t0 = process.hrtime.bigint();
    (this.backend.runTrainingSteps as NonNullable<Backend['runTrainingSteps']>)(steps.plan);
    this.optimizer.afterBackendSteps(steps.count);
    this.timed(t0, steps.count);
    return steps.count;
  }

  /**
   * `run` off the JavaScript thread: every remaining full batch of the epoch from b on (or the last one alone) in
   * one native job; resolves with how many ran (fewer when `control` stopped the job), 0 when they cannot run
   * this way.
   */
  async runAsync(vars: Variable[], batches: EpochBatches, b: number, x: Tensor, y: Tensor, losses: DeviceLossSum,
    control: StepControl): Promise<number> {
    await this.captured(vars, [batches.size(b)], x, y);
    const steps = this.stepsPlan(vars, batches, b, x, y, losses, MAX_ASYNC_STEPS);
    if (steps === null) return 0;
    const ran = await (this.backend.runTrainingStepsAsync as NonNullable<Backend['runTrainingStepsAsync']>)(steps.plan, control.word);
    if (ran < steps.count) losses.unreserve(steps.count - ran);
    this.optimizer.afterBackendSteps(ran);
    return ran;
  }

  /**
   * The plan of the batches from `batches[b]` on that have its size (at most `maxSteps` of them), their learning
   * rates and loss slots reserved in `losses`; null when they cannot run as backend steps (no program or optimizer
   * call, or a bad learning rate, which the ordinary step reports).
   */
  private stepsPlan(vars: Variable[], batches: EpochBatches, b: number, x: Tensor, y: Tensor, losses: DeviceLossSum,
    maxSteps: number): { plan: TrainingStepsPlan; count: number } | null {
    const rows = batches.size(b);
    const kind = this.stepKind(vars, rows);
    if (kind === null) return null;
    // Consecutive batches of this size (their indices lie back to back in `order`): every full batch from b on,
    // or the last one alone. Counted, not looped over (a loop here gets compiled mid-fit, which costs more).
    const k = rows === batches.batchSize ? Math.min(maxSteps, Math.floor((batches.order.length - batches.start(b)) / rows)) : 1;
    const opt = this.optimizer;
    const lrs = new Float64Array(k);
    if (!opt.learningRatesFrom(opt.iterations, lrs)) return null;
    opt.beforeBackendSteps(this.backend, lrs[0]);
    const slots = losses.reserve(this.backend, k, rows);
    return {
      count: k,
      plan: {
        ...kind, lrs, x: x.storage, y: y.storage,
        indices: batches.order.subarray(batches.start(b), batches.start(b) + k * rows),
        losses: slots.storage, lossOffset: slots.offset,
      },
    };
  }

  /**
   * `runEpochs` off the JavaScript thread: up to `maxEpochs` whole epochs (at most MAX_ASYNC_STEPS steps) in one
   * native job. Resolves with the losses of the epochs that finished (fewer when `control` stopped the job) and
   * the steps run, or null when they cannot run this way (no async runner, no program or optimizer call yet).
   */
  async runEpochsAsync(vars: Variable[], batchSize: number, rng: Random | null, maxEpochs: number, x: Tensor, y: Tensor,
    control: StepControl): Promise<{ losses: Float64Array; steps: number } | null> {
    const run = this.backend.runTrainingEpochsAsync;
    const n = x.shape[0];
    if (run === undefined || n === 0) return null;
    const full = Math.min(batchSize, n);
    await this.captured(vars, n % full === 0 ? [full] : [full, n % full], x, y);
    const kinds = this.epochKinds(vars, batchSize, n);
    if (kinds === null) return null;
    const steps = Math.ceil(n / Math.min(batchSize, n));
    const epochs = Math.max(1, Math.min(maxEpochs, Math.floor(MAX_ASYNC_STEPS / steps)));
    const opt = this.optimizer;
    const lrs = new Float64Array(epochs * steps);
    if (!opt.learningRatesFrom(opt.iterations, lrs)) return null;  // the ordinary step reports the bad rate
    opt.beforeBackendSteps(this.backend, lrs[0]);
    const epochLosses = new Float64Array(epochs);
    const plan = { kinds, lrs, x: x.storage, y: y.storage, batchSize: Math.min(batchSize, n), epochs, epochLosses };
    const ran = rng === null
      ? await run.call(this.backend, { ...plan, rngState: null }, control.word)
      : await rng.withStateWordsAsync((rngState) => run.call(this.backend, { ...plan, rngState }, control.word));
    opt.afterBackendSteps(ran);
    return { losses: epochLosses.subarray(0, Math.floor(ran / steps)), steps: ran };
  }

  /**
   * Off the JavaScript thread, the trusted step of each batch size in `sizes` that has no program yet is captured
   * (logged, not computed: StepRecorder.captureRows), so that its first batch runs in the native job too; the event
   * loop gets a turn after each capture. Resolves true when something was captured.
   */
  private async captured(vars: Variable[], sizes: number[], x: Tensor, y: Tensor): Promise<boolean> {
    let any = false;
    for (const rows of sizes) {
      if (this.recorder.compiledFor(vars, rows) !== null || !this.recorder.captureRows(vars, rows, x, y)) continue;
      any = true;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return any;
  }

  /** The step kinds of an epoch of n rows in batches of `batchSize` (full batches, then the rest), or null. */
  private epochKinds(vars: Variable[], batchSize: number, n: number): TrainingStepKind[] | null {
    const full = Math.min(batchSize, n);  // one batch of every row when batchSize >= n
    const rest = n % full;
    const kinds: TrainingStepKind[] = [];
    for (const rows of rest === 0 ? [full] : [full, rest]) {
      const kind = this.stepKind(vars, rows);
      if (kind === null) return null;
      kinds.push(kind);
    }
    return kinds;
  }

  /**
   * Runs whole epochs over the n rows of x and y (at most `maxEpochs`, as many as take about `yieldMs`) in one
   * backend call (Backend.runTrainingEpochs), shuffling each with `rng` as `makeBatches` would; returns each
   * epoch's loss, or null when they cannot run this way: no such backend call, a batch size of the epoch without
   * a compiled program or optimizer call yet, or no batch run timed yet or an epoch longer than `yieldMs`.
   */
  runEpochs(vars: Variable[], batchSize: number, rng: Random | null, maxEpochs: number, x: Tensor, y: Tensor): Float64Array | null {
    const run = this.backend.runTrainingEpochs;
    const n = x.shape[0];
    if (run === undefined || n === 0) return null;
    const full = Math.min(batchSize, n);  // one batch of every row when batchSize >= n
    const kinds = this.epochKinds(vars, batchSize, n);
    if (kinds === null) return null;
    // Whole epochs only while one takes less than yieldMs (measured on the batch runs before): a longer epoch
    // goes by timed runs of batches, so the event loop keeps its turns.
    const steps = Math.ceil(n / full);
    const budget = this.msPerStep > 0 ? Math.floor(this.yieldMs / this.msPerStep / steps) : 0;
    if (budget < 1) return null;
    const epochs = Math.min(maxEpochs, budget);
    const opt = this.optimizer;
    const lrs = new Float64Array(epochs * steps);
    if (!opt.learningRatesFrom(opt.iterations, lrs)) return null;  // the ordinary step reports the bad rate
    opt.beforeBackendSteps(this.backend, lrs[0]);
    const epochLosses = new Float64Array(epochs);
    const plan = { kinds, lrs, x: x.storage, y: y.storage, batchSize: full, epochs, epochLosses };
    const t0 = process.hrtime.bigint();
    if (rng === null) run.call(this.backend, { ...plan, rngState: null });
    else rng.withStateWords((rngState) => run.call(this.backend, { ...plan, rngState }));
    opt.afterBackendSteps(epochs * steps);
    this.timed(t0, epochs * steps);
    return epochLosses;
  }

  /** Notes the host time per step of a backend call of `steps` steps that started at `t0` (it sizes the next calls). */
  private timed(t0: bigint, steps: number): void {
    this.msPerStep = Math.max(Number(process.hrtime.bigint() - t0) / 1e6 / steps, 1e-4);
  }

  /**
   * The compiled program of batches of `rows` rows with the optimizer's kernel call for its gradients (made once
   * per optimizer state), or null while there is no program or the optimizer has no such call.
   */
  private stepKind(vars: Variable[], rows: number): TrainingStepKind | null {
    const program = this.recorder.compiledFor(vars, rows);
    if (program === null) return null;
    const { compiled, tensors } = program;
    const version = this.optimizer.stateVersion;
    let known = this.calls.get(compiled);
    if (known === undefined || known.version !== version) {
      known = { call: this.optimizer.kernelCallFor(vars.map((variable, i) => ({ variable, grad: tensors.grads[i] }))), version };
      this.calls.set(compiled, known);
    }
    if (known.call === null) return null;
    return { compiled, optimizerCall: known.call, xIn: tensors.x.storage, yIn: tensors.y.storage, loss: tensors.value.storage };
  }
}
