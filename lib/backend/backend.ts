import type { KernelMethods } from './kernel-table';

/** The names of the backends myelin can run on. */
export type BackendName = 'cuda' | 'cpu' | 'reference';

/**
 * One kind of training step: a compiled program (from `compileCalls`) that reads its batch from xIn and yIn and
 * writes the batch loss into `loss`, and the optimizer kernel call for its gradients (sgdStep, adamStep,
 * adagradStep or rmspropStep, with its arguments).
 */
export interface TrainingStepKind<S = unknown> {
  compiled: unknown;
  optimizerCall: { name: string; args: readonly unknown[] };
  xIn: S;
  yIn: S;
  loss: S;
}

/** What `Backend.runTrainingSteps` runs (see there). */
export interface TrainingStepsPlan<S = unknown> extends TrainingStepKind<S> {
  /** One learning rate per step, stored into the optimizer's [learningRate, stepsDone] buffer before the step. */
  lrs: Float64Array;
  x: S;
  y: S;
  indices: Int32Array;
  losses: S;
  lossOffset: number;
}

/** What `Backend.runTrainingEpochs` runs (see there). */
export interface TrainingEpochsPlan<S = unknown> {
  /** kinds[0] for batches of batchSize rows; kinds[1] for the last batch of n % batchSize rows, when that is not 0. */
  kinds: TrainingStepKind<S>[];
  /** One learning rate per step, stored into the optimizer's [learningRate, stepsDone] buffer before the step. */
  lrs: Float64Array;
  x: S;
  y: S;
  batchSize: number;
  epochs: number;
  /** The state words of the Random that shuffles each epoch (advanced in place), or null for no shuffling. */
  rngState: Float64Array | null;
  /**
   * Filled with each epoch's loss: the batch losses weighted by batch size, summed in float64 in batch order and
   * divided by the samples (what `fit` computes from batch losses).
   */
  epochLosses: Float64Array;
}

/**
 * What `Backend.runInferenceBatchesAsync` runs: `count` batches of `batch` consecutive rows from `firstRow` on.
 * Per batch: the rows of x (and y) are copied into the compiled program's inputs xIn (yIn), the program runs,
 * its `output` rows are copied to the same rows of `out`, and its scalar `loss` goes to losses[b]. y/yIn,
 * output/out and loss/losses are given or null in pairs.
 */
export interface InferenceBatchesPlan<S = unknown> {
  compiled: unknown;
  xIn: S;
  yIn: S | null;
  output: S | null;
  loss: S | null;
  x: S;
  y: S | null;
  out: S | null;
  losses: Float64Array | null;
  batch: number;
  firstRow: number;
  count: number;
}

/**
 * The contract every backend implements. `S` is the backend's storage: a Float32Array on `cpu` and
 * `reference`, an opaque device-buffer handle on `cuda`. The kernels (fill, unary, gemm, adamStep, ...) and
 * their formulas are declared once in lib/backend/kernel-table.ts; this interface adds the memory functions and
 * the optional runners. All kernels write into preallocated outputs; sizes and shapes were validated by the ops
 * layer before a kernel is called. Every buffer is a dense, row-major float32 array.
 */
export interface Backend<S = unknown> extends KernelMethods<S> {
  readonly name: BackendName;

  // ---- memory ---------------------------------------------------------------------------------------
  /**
   * A buffer of `size` floats, zero-filled unless `zeroed` is false (then its contents are unspecified:
   * for outputs that a kernel overwrites entirely). Backends may hand out pooled buffers.
   */
  alloc(size: number, zeroed?: boolean): S;
  /** A buffer holding a copy of `data`. */
  upload(data: Float32Array): S;
  /**
   * Optional: a buffer that takes `data` over without copying it (host backends); the caller must not use
   * `data` afterwards. Backends without it are given a copy through `upload`.
   */
  adopt?(data: Float32Array): S;
  /**
   * True when a buffer is a JavaScript object that the garbage collector frees once nothing references it (the
   * host backends' Float32Arrays): a tensor nobody disposed then needs no finalizer of its own
   * (lib/tensor/memory.ts). False or absent for native storage (cuda), which a finalizer must free.
   */
  readonly collectedStorage?: boolean;
  /**
   * Optional: recorded kernel `calls` (name and arguments of Backend kernel methods, on buffers that stay
   * allocated) compiled into one unit that runs them all with a single call: a CUDA graph captured while
   * `replayAll` runs them (cuda), a native list of prepared kernels (cpu). null when they cannot be compiled
   * (a call uploads, allocates or waits midway; a kernel a program cannot hold). Nothing runs here.
   */
  compileCalls?(calls: ReadonlyArray<{ name: string; args: readonly unknown[] }>, replayAll: () => void): unknown | null;
  /** Runs a unit from `compileCalls`, in order with the backend's other work. */
  runCompiled?(compiled: unknown): void;
  /** Releases a unit from `compileCalls` now (otherwise the garbage collector does). Idempotent. */
  releaseCompiled?(compiled: unknown): void;
  /**
   * Optional (cpu): makes a compiled training step (from `compileCalls`) average its gradient buffers `grads` over
   * the ranks of the MPI world while its backward pass runs (buckets of at least `bucketBytes`; a step whose peers
   * send nothing for `timeoutMs` fails naming them), so that every later run of it leaves averaged gradients for
   * the optimizer (lib/distributed/fit-sync.ts). Returns the number of buckets.
   */
  attachGradientSync?(compiled: unknown, grads: S[], bucketBytes: number, timeoutMs: number): number;
  /**
   * Optional (cpu, cuda): runs `plan.lrs.length` training steps back to back without returning in between. Per
   * step s: the rows plan.indices[s * batch ..] of x and y are copied into the program's inputs xIn and yIn,
   * the compiled program (from `compileCalls`) runs, lrs[s] is stored into the optimizer call's `hyper` buffer
   * (its learning rate; the call advances the buffer's step count itself), the optimizer call runs, and the loss
   * scalar is stored in losses[lossOffset + s]. Exactly what the same steps compute one by one.
   */
  runTrainingSteps?(plan: TrainingStepsPlan<S>): void;
  /**
   * Optional (cpu): runs `plan.epochs` whole epochs of training steps without returning in between. Per epoch:
   * the sample order (0..n-1, shuffled as `Random.permutation` would from plan.rngState, which advances), then
   * per batch in that order one step as in `runTrainingSteps`, with kinds[0] for full batches and kinds[1] for
   * the last, smaller one; step s gets learning rate lrs[s] (as there); each epoch's mean loss goes to
   * plan.epochLosses. Exactly what the same epochs compute batch by batch.
   */
  runTrainingEpochs?(plan: TrainingEpochsPlan<S>): void;
  /**
   * Optional (cpu): `runTrainingSteps` off the JavaScript thread. Resolves with the number of steps run: all of
   * them, or fewer when `control[0]` became non-zero meanwhile (checked between two steps: how an abort or
   * `stopTraining` reaches a running job). Until it settles, nothing may touch the plan's buffers.
   */
  runTrainingStepsAsync?(plan: TrainingStepsPlan<S>, control: Int32Array): Promise<number>;
  /** Optional (cpu): `runTrainingEpochs` off the JavaScript thread, as `runTrainingStepsAsync` (steps run). */
  runTrainingEpochsAsync?(plan: TrainingEpochsPlan<S>, control: Int32Array): Promise<number>;
  /** Optional (cpu): inference batches off the JavaScript thread (see InferenceBatchesPlan); resolves with the batches run. */
  runInferenceBatchesAsync?(plan: InferenceBatchesPlan<S>, control: Int32Array): Promise<number>;
  /**
   * Optional (cuda): resolves once every piece of work queued so far has finished, waiting on a worker thread, so
   * that a read that follows does not block the JavaScript thread.
   */
  settleAsync?(): Promise<void>;
  /**
   * Optional (cpu): leaves `cores` of the kernel threads (BLAS and own kernels) to other work from the next kernel
   * call on, at least one thread kept; 0 gives them all back. `fit(dataset)` reserves one while the JavaScript
   * thread parses batches beside the native jobs: BLAS threads that outnumber the free cores spin and wait on each
   * other (one epoch of 1M CSV rows, 32-64-64-1 MLP, 2 cores: 5.8-8.5 s with both threads, 2.5-3.8 s with one).
   * Call it only while no job runs.
   */
  reserveCores?(cores: number): void;
  /** A host copy of the buffer's contents (waits for pending device work). */
  download(buf: S): Float32Array;
  /** Releases the buffer (possibly back to a pool); it must not be used again. Idempotent. */
  free(buf: S): void;
}
