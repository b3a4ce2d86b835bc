import type { BinaryOp, ReduceOp, UnaryOp } from './kernel-ids';

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
  lrs: Float64Array;
  firstStep: number;
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
  lrs: Float64Array;
  firstStep: number;
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
 * The kernel contract every backend implements. `S` is the backend's storage: a Float32Array on `cpu` and
 * `reference`, an opaque device-buffer handle on `cuda`. All kernels write into preallocated outputs;
 * sizes and shapes were validated by the ops layer before a kernel is called. Every buffer is a dense,
 * row-major float32 array.
 */
export interface Backend<S = unknown> {
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
   * Optional (cpu, cuda): runs `plan.lrs.length` training steps back to back without returning in between. Per
   * step s: the rows plan.indices[s * batch ..] of x and y are copied into the program's inputs xIn and yIn,
   * the compiled program (from `compileCalls`) runs, the recorded optimizer call runs with learning rate
   * lrs[s] and step number firstStep + s, and the loss scalar is stored in losses[lossOffset + s]. Exactly
   * what the same steps compute one by one.
   */
  runTrainingSteps?(plan: TrainingStepsPlan<S>): void;
  /**
   * Optional (cpu): runs `plan.epochs` whole epochs of training steps without returning in between. Per epoch:
   * the sample order (0..n-1, shuffled as `Random.permutation` would from plan.rngState, which advances), then
   * per batch in that order one step as in `runTrainingSteps`, with kinds[0] for full batches and kinds[1] for
   * the last, smaller one; step s gets lrs[s] and step number firstStep + s; each epoch's mean loss goes to
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
  /** A host copy of the buffer's contents (waits for pending device work). */
  download(buf: S): Float32Array;
  /** Releases the buffer (possibly back to a pool); it must not be used again. Idempotent. */
  free(buf: S): void;
  /** out[offset .. offset + length) = value */
  fill(out: S, value: number, offset?: number, length?: number): void;

  // ---- elementwise ------------------------------------------------------------------------------------
  /** out[i] = f(x[i]; param) for i < n. */
  unary(op: UnaryOp, x: S, out: S, n: number, param: number): void;
  /** dx[i] = dy[i] * f'(x[i]; param); y = f(x) is passed so kernels may reuse it. */
  unaryGrad(op: UnaryOp, x: S, y: S, dy: S, dx: S, n: number, param: number): void;
  /**
   * Broadcasting binary op. `outShape` is the result shape; `aStrides` / `bStrides` are the inputs'
   * element strides aligned to `outShape` (0 along broadcast dimensions).
   */
  binary(op: BinaryOp, a: S, aStrides: number[], b: S, bStrides: number[], out: S, outShape: number[]): void;

  // ---- reductions -------------------------------------------------------------------------------------
  /**
   * Views x as [outer, mid, inner] and reduces the middle axis: out[o, i] = op_m x[o, m, i].
   * `argmax` writes the index (as a float). `mean` is the float32 sum times 1 / mid, exactly what `sum` followed by
   * `unary('scale', ..., 1 / mid)` gives on the same backend. `mid` may be 0 only for `sum` (result 0) and `mean`
   * (NaN).
   */
  reduce(op: ReduceOp, x: S, out: S, outer: number, mid: number, inner: number): void;
  /** Row-wise softmax (or log-softmax) of a [rows, cols] matrix. */
  softmax(x: S, out: S, rows: number, cols: number, log: boolean): void;
  /**
   * Gradient of the row-wise softmax given its output y:
   * softmax: dx = y * (dy - sum_j dy_j y_j); log-softmax: dx = dy - exp(y) * sum_j dy_j.
   */
  softmaxGrad(y: S, dy: S, dx: S, rows: number, cols: number, log: boolean): void;

  // ---- linear algebra ---------------------------------------------------------------------------------
  /**
   * out[m, n] = alpha * op(a) @ op(b) + beta * out, op(a) of shape [m, k] (a is [k, m] when transA),
   * op(b) of shape [k, n] (b is [n, k] when transB). With beta = 0, `out` is not read (NaN or garbage
   * in it does not propagate), as in BLAS.
   */
  gemm(a: S, b: S, out: S, m: number, n: number, k: number, transA: boolean, transB: boolean,
       alpha: number, beta: number): void;

  // ---- data movement ----------------------------------------------------------------------------------
  /**
   * For every index tuple idx over `shape`:
   * out[outOffset + idx . outStrides] (+)= x[xOffset + idx . xStrides]. With `accumulate` the value is
   * added instead of written. Serves transpose, slice, concat, pad and broadcast expansion.
   */
  copyStrided(x: S, xOffset: number, xStrides: number[], out: S, outOffset: number, outStrides: number[],
              shape: number[], accumulate: boolean): void;
  /** out[i, :] = x[indices[i], :] for rows of `rowSize` floats. Indices were range-checked. */
  gatherRows(x: S, indices: Int32Array, out: S, rowSize: number): void;
  /** dx[indices[i], :] += dy[i, :] (dx is not cleared first). */
  scatterAddRows(dy: S, indices: Int32Array, dx: S, rowSize: number): void;

  // ---- optimizers: one call updates every parameter in place ------------------------------------------
  /**
   * SGD: g = grad + wd * p; with momentum: v = momentum * v + g, and the step is v (or g + momentum * v
   * with nesterov); p -= lr * step. `velocity` is empty when momentum is 0.
   */
  sgdStep(params: S[], grads: S[], velocity: S[], lr: number, momentum: number, nesterov: boolean,
          weightDecay: number): void;
  /**
   * Adam (Kingma & Ba) with PyTorch/Keras conventions: g = grad (+ wd * p when not decoupled);
   * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) with amsgrad;
   * p -= lr * (m / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps), v' = vmax or v;
   * decoupled (AdamW): p -= lr * wd * p before the step.
   */
  adamStep(params: S[], grads: S[], m: S[], v: S[], vmax: S[], lr: number, beta1: number, beta2: number,
           epsilon: number, step: number, weightDecay: number, decoupled: boolean): void;
  /** Adagrad: g = grad + wd * p; acc += g^2; p -= lr * g / (sqrt(acc) + eps). */
  adagradStep(params: S[], grads: S[], accum: S[], lr: number, epsilon: number, weightDecay: number): void;
  /**
   * RMSprop: g = grad + wd * p; sq = rho sq + (1 - rho) g^2; denom = sqrt(sq - mg^2) + eps when centered
   * (mg = rho mg + (1 - rho) g) else sqrt(sq) + eps; with momentum: buf = momentum buf + g / denom,
   * p -= lr buf; else p -= lr g / denom. `meanGrad` is empty unless centered, `momentumBuf` unless momentum > 0.
   */
  rmspropStep(params: S[], grads: S[], sq: S[], meanGrad: S[], momentumBuf: S[], lr: number, rho: number,
              momentum: number, epsilon: number, centered: boolean, weightDecay: number): void;

  // ---- fused training ops -----------------------------------------------------------------------------
  /**
   * Dense layer forward in one pass after the GEMM: z = x[m, k] @ w[k, n] + bias[n] (bias may be null);
   * out = activation(z; param). `z` receives the pre-activation; it may be the same buffer as `out` (then
   * the activation is applied in place and only `out` remains, as in inference).
   */
  denseForward(x: S, w: S, bias: S | null, z: S, out: S, m: number, n: number, k: number,
               activation: UnaryOp, param: number): void;
  /**
   * Dense layer backward up to the GEMMs, in one pass: dz[r, j] = dy[r, j] * f'(z[r, j]; param) over m rows
   * of n columns (y = f(z), as `unaryGrad`), and dbias[j] = sum_r dz[r, j], summed in the order
   * `reduce('sum', dz, dbias, 1, m, n)` uses: the result is that of those two kernels, in one call.
   */
  biasActivationGrad(activation: UnaryOp, z: S, y: S, dy: S, dz: S, dbias: S, m: number, n: number, param: number): void;
  /**
   * Softmax cross-entropy per row from logits. `targets` holds class indices as floats ([rows]) when
   * `sparse`, else target distributions ([rows, cols]). Writes probs = softmax(logits) and
   * loss[r] = -sum_j t[r, j] log probs[r, j] = sum_j t[r, j] (logsumexp_r - logits[r, j]), stable for any
   * logits. Sparse class indices must lie in [0, cols) (the ops layer checks them).
   */
  softmaxCrossEntropy(logits: S, targets: S, probs: S, loss: S, rows: number, cols: number, sparse: boolean): void;
  /**
   * dLogits[r, j] = g_r * (probs[r, j] * sum_i t[r, i] - t[r, j]) with g_r = dLoss[r * dLossStride] * dLossScale
   * (rounded to float32 first); for targets that sum to 1 per row (one-hot, smoothed labels, sparse) this is
   * g_r * (probs - t). Exact for any non-negative targets. `dLossStride` is 1 for one upstream gradient per row,
   * 0 for one value shared by every row (the gradient of the batch mean: dLossScale = 1 / rows).
   */
  softmaxCrossEntropyGrad(probs: S, targets: S, dLoss: S, dLogits: S, rows: number, cols: number,
                          sparse: boolean, dLossStride: 0 | 1, dLossScale: number): void;
  /**
   * Binary cross-entropy from logits, elementwise over n values: loss[i] = softplus(x[i]) - x[i] t[i]
   * (= -(t log s(x) + (1 - t) log(1 - s(x))) with s the sigmoid, stable for any x), each term rounded to float32
   * as the softplus, mul and sub kernels round it.
   */
  sigmoidCrossEntropy(logits: S, targets: S, loss: S, n: number): void;
  /**
   * dLogits[i] = g_i (s(x[i]) - t[i]) with g_i = dLoss[i * dLossStride] * dLossScale (rounded to float32 first);
   * `dLossStride` 0 shares one upstream value among all elements (the gradient of the mean: dLossScale = 1 / n).
   */
  sigmoidCrossEntropyGrad(logits: S, targets: S, dLoss: S, dLogits: S, n: number, dLossStride: 0 | 1,
                          dLossScale: number): void;

  // ---- random -----------------------------------------------------------------------------------------
  /**
   * Inverted dropout with masks from Philox4x32-10 (lib/backend/philox.ts, native/common/philox.h): for call t,
   * the counter held in `state` (DROPOUT_STATE_SIZE = 4 floats, the 64-bit counter as 16-bit limbs), element i
   * is kept when u_i = (w_i >>> 8) 2^-24 >= rate, w_i the word i mod 4 of philox((floor(i/4), t), (key0, key1));
   * mask[i] = kept ? fround(1 / (1 - rate)) : 0 and y[i] = x[i] * mask[i]. The kernel then advances the counter
   * in `state` by one on the backend (also when n is 0), so that replaying the same call draws a fresh mask.
   * rate in [0, 1); key0 and key1 are uint32. Same state and key: the same mask bit for bit on every backend.
   */
  dropout(x: S, y: S, mask: S, state: S, n: number, rate: number, key0: number, key1: number): void;
}
