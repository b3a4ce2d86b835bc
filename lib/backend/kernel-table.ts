/**
 * The kernel table: every kernel of the Backend contract declared once, with its TypeScript signature (over a
 * stand-in buffer type {@link Buf}) and the kind of each argument. From it follow:
 * - the kernel methods of `Backend<S>` (lib/backend/backend.ts: {@link KernelMethods}, Buf replaced by S);
 * - the addon's kernel entries (lib/native/addon-types.ts: {@link NativeKernelEntries}, op names as ids);
 * - the adapters of the native flavours (lib/backend/native-kernels.ts translates op-kind arguments to ids);
 * - the dispatch point and what the recorder logs (lib/backend/dispatch.ts, lib/backend/recorder.ts);
 * - the reference backend (lib/backend/reference/index.ts takes each kernel from its family file);
 * - test/backend/kernel-table.test.ts, which checks the C++ kernel lists (native/common/exports.h: names, argument
 *   counts), both export tables, the cpu Prepare functions and cuda entries (argument
 *   counts, op positions), the built cpu addon's exports, the reference backend and the conformance cases against
 *   this table, naming the kernel and the place that disagrees.
 *
 * The compiler checks each kind against its signature: a buffer is 'in', 'out' or 'inout', a list of buffers
 * 'ins' or 'inouts', a number 'count' or 'scalar', and so on ({@link KindOf}).
 *
 * ## Adding a kernel (example: `softmaxGrad`): 8 files
 * 1. `lib/backend/kernel-table.ts`: its row below (signature, kinds, TSDoc with the formula).
 * 2. `lib/backend/reference/softmax.ts`: the float64 implementation, exported under the kernel's name (the
 *    reference backend takes every kernel from its family file; the compiler checks the signature).
 * 3. `native/common/exports.h`: one row `X(softmaxGrad, SoftmaxGrad, 6)` in MYELIN_KERNELS (or
 *    MYELIN_OPTIMIZER_STEPS): both flavours declare and export the entry from it, cpu programs can hold it.
 * 4. `native/cpu/softmax.cc`: `Kernel PrepareSoftmaxGrad(const Args& args)` (checks once, returns the kernel).
 * 5. `native/cuda/softmax.cu` and 6. `native/cuda/kernels.h`: the CUDA kernel and its launcher's declaration.
 * 7. `native/cuda/math_entries.cc`: the entry `Napi::Value SoftmaxGrad(const Napi::CallbackInfo&)`.
 * 8. `test/conformance/reductions.test.ts` (the kernel's family file): cases against the reference.
 * Nothing else: Backend's method, the addon types, the cpu and cuda adapters (op names become ids by kind),
 * compiled programs, the dispatch point and the recorder follow from the row. test/backend/kernel-table.test.ts
 * fails, naming the kernel and the place, until each of these has it with the table's argument count.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from './kernel-ids';

/** Stand-in for a backend buffer in the signatures of the table; `Backend<S>` puts its storage S in its place. */
export interface Buf { readonly __kernelTableBuffer: true }

/**
 * The kind of a kernel argument:
 * - 'in' / 'out' / 'inout': a buffer read, written (entirely), or read and updated in place;
 * - 'in?': a buffer read, or null; 'ins' / 'inouts': a list of buffers read / updated in place;
 * - 'count': a size, offset or index (an integer); 'scalar': a float parameter; 'flag': a boolean;
 * - 'hyper': an optimizer's own buffer [learningRate, stepsDone] (2 floats, lib/optimizers/hyper-buffer.ts): the
 *   step reads the rate and step number stepsDone + 1 from it and advances stepsDone, so a compiled or replayed
 *   step needs no argument changed between steps;
 * - 'shape': an array of integers (a shape or strides); 'indices': an Int32Array of row indices;
 * - 'unaryOp' / 'binaryOp' / 'reduceOp': an op name, passed to native code as its id (lib/backend/kernel-ids.ts).
 */
export type ArgKind =
  | 'in' | 'out' | 'inout' | 'in?' | 'ins' | 'inouts' | 'count' | 'scalar' | 'flag' | 'hyper' | 'shape' | 'indices'
  | 'unaryOp' | 'binaryOp' | 'reduceOp';

/** The kinds an argument of TypeScript type T may have. */
export type KindOf<T> =
  [T] extends [Buf] ? 'in' | 'out' | 'inout' | 'hyper'
    : [T] extends [Buf | null] ? 'in?'
      : [T] extends [readonly Buf[]] ? 'ins' | 'inouts'
        : [T] extends [UnaryOp] ? 'unaryOp'
          : [T] extends [BinaryOp] ? 'binaryOp'
            : [T] extends [ReduceOp] ? 'reduceOp'
              : [T] extends [boolean] ? 'flag'
                : [T] extends [number] ? 'count' | 'scalar'
                  : [T] extends [readonly number[]] ? 'shape'
                    : [T] extends [Int32Array] ? 'indices'
                      : never;

/** One kind per parameter of P (optional parameters too). */
export type KindsOf<P extends readonly unknown[]> = { -readonly [I in keyof P]-?: KindOf<Exclude<P[I], undefined>> };

/** Facts about a kernel besides its arguments. */
export interface KernelTraits {
  /**
   * The native flavours run it through their GEMM (BLAS / cuBLAS): the adapter re-applies its backend's GEMM
   * configuration before the call (lib/backend/native-kernels.ts).
   */
  gemm?: boolean;
}

/** One row of the table: the signature F (types only) and the argument kinds. */
export interface KernelSpec<F extends (...args: never[]) => void = (...args: never[]) => void> {
  readonly kinds: readonly ArgKind[];
  readonly traits: KernelTraits;
  /** Never set: carries the signature's type. */
  readonly signature?: F;
}

/** Declares a kernel of signature F; `kinds` must match F's parameters one for one (checked by the compiler). */
function kernel<F extends (...args: never[]) => void>(kinds: KindsOf<Parameters<F>>, traits: KernelTraits = {}): KernelSpec<F> {
  return { kinds: kinds as readonly ArgKind[], traits };
}

/** Every kernel: the Backend methods that compute (all but the memory functions). */
export const KERNELS = {
  // ---- elementwise --------------------------------------------------------------------------------------
  /** out[offset .. offset + length) = value (offset defaults to 0, length to the rest of the buffer). */
  fill: kernel<(out: Buf, value: number, offset?: number, length?: number) => void>(['out', 'scalar', 'count', 'count']),
  /** out[i] = f(x[i]; param) for i < n. */
  unary: kernel<(op: UnaryOp, x: Buf, out: Buf, n: number, param: number) => void>(['unaryOp', 'in', 'out', 'count', 'scalar']),
  /** dx[i] = dy[i] * f'(x[i]; param); y = f(x) is passed so kernels may reuse it. */
  unaryGrad: kernel<(op: UnaryOp, x: Buf, y: Buf, dy: Buf, dx: Buf, n: number, param: number) => void>(
    ['unaryOp', 'in', 'in', 'in', 'out', 'count', 'scalar']),
  /**
   * Broadcasting binary op. `outShape` is the result shape; `aStrides` / `bStrides` are the inputs'
   * element strides aligned to `outShape` (0 along broadcast dimensions).
   */
  binary: kernel<(op: BinaryOp, a: Buf, aStrides: number[], b: Buf, bStrides: number[], out: Buf, outShape: number[]) => void>(
    ['binaryOp', 'in', 'shape', 'in', 'shape', 'out', 'shape']),

  // ---- reductions ---------------------------------------------------------------------------------------
  /**
   * Views x as [outer, mid, inner] and reduces the middle axis: out[o, i] = op_m x[o, m, i].
   * `argmax` writes the index (as a float). `mean` is the float32 sum times 1 / mid, exactly what `sum` followed by
   * `unary('scale', ..., 1 / mid)` gives on the same backend. `mid` may be 0 only for `sum` (result 0) and `mean`
   * (NaN).
   */
  reduce: kernel<(op: ReduceOp, x: Buf, out: Buf, outer: number, mid: number, inner: number) => void>(
    ['reduceOp', 'in', 'out', 'count', 'count', 'count']),
  /** Row-wise softmax (or log-softmax) of a [rows, cols] matrix. */
  softmax: kernel<(x: Buf, out: Buf, rows: number, cols: number, log: boolean) => void>(['in', 'out', 'count', 'count', 'flag']),
  /**
   * Gradient of the row-wise softmax given its output y:
   * softmax: dx = y * (dy - sum_j dy_j y_j); log-softmax: dx = dy - exp(y) * sum_j dy_j.
   */
  softmaxGrad: kernel<(y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, log: boolean) => void>(
    ['in', 'in', 'out', 'count', 'count', 'flag']),

  // ---- rounding to 16-bit floats (mixed precision, lib/ops/cast.ts) ------------------------------------------
  /**
   * out[i] = x[i] rounded to the nearest bfloat16 value (float16 when `float16`), kept as float32: what a cast to the
   * 16-bit type and back gives. Round to nearest, ties to even. bfloat16 keeps float32's exponent range (the 8 high
   * mantissa bits stay); float16 has 11 significant bits, magnitudes >= 65520 become infinity and those below 2^-14
   * round to multiples of 2^-24 (subnormals; 2^-25 and below give 0). NaN stays NaN, infinities and signed zeros
   * are kept. x and out may be the same buffer.
   */
  roundToHalf: kernel<(x: Buf, out: Buf, n: number, float16: boolean) => void>(['in', 'out', 'count', 'flag']),

  // ---- linear algebra -----------------------------------------------------------------------------------
  /**
   * out[m, n] = alpha * op(a) @ op(b) + beta * out, op(a) of shape [m, k] (a is [k, m] when transA),
   * op(b) of shape [k, n] (b is [n, k] when transB). With beta = 0, `out` is not read (NaN or garbage
   * in it does not propagate), as in BLAS.
   */
  gemm: kernel<(a: Buf, b: Buf, out: Buf, m: number, n: number, k: number, transA: boolean, transB: boolean,
    alpha: number, beta: number) => void>(
    ['in', 'in', 'inout', 'count', 'count', 'count', 'flag', 'flag', 'scalar', 'scalar'], { gemm: true }),

  // ---- attention (lib/ops/attention.ts) -------------------------------------------------------------------
  /**
   * Strided batched GEMM over outer x inner matrices (batch and heads of attention): for o < outer, h < inner,
   * C_oh = alpha op(A_oh) op(B_oh) + beta C_oh, where X_oh starts at X + o xStrides[0] + h xStrides[1] and its rows
   * are xStrides[2] floats apart; op(A) is [m, k] (A stored [k, m] when transA), op(B) [k, n] (B stored [n, k] when
   * transB), C [m, n]. `sizes` = [outer, inner, m, n, k]. The C matrices must not overlap. With beta = 0, C is not
   * read. Attention reads its heads in place this way: no transposes of [batch, time, heads, depth] tensors.
   */
  batchedGemm: kernel<(a: Buf, aStrides: number[], b: Buf, bStrides: number[], out: Buf, outStrides: number[],
    sizes: number[], transA: boolean, transB: boolean, alpha: number, beta: number) => void>(
    ['in', 'shape', 'in', 'shape', 'inout', 'shape', 'shape', 'flag', 'flag', 'scalar', 'scalar'], { gemm: true }),
  /**
   * Masked softmax of attention scores x [batch, heads, rows, cols] over the last axis: an entry (b, h, t, s) takes
   * part when mask[b, t, s] != 0 (mask [batch, rows, cols], shared by the heads; null: all) and, when `causal`,
   * s <= t; y = exp(x - max) / sum over the entries that take part, 0 elsewhere. A row where no entry takes part
   * is all 0. Its gradient is `softmaxGrad` over batch * heads * rows rows (masked entries have y = 0, so
   * dx = y (dy - sum_j dy_j y_j) is 0 there).
   */
  maskedSoftmax: kernel<(x: Buf, mask: Buf | null, y: Buf, batch: number, heads: number, rows: number, cols: number,
    causal: boolean) => void>(['in', 'in?', 'out', 'count', 'count', 'count', 'count', 'flag']),

  // ---- recurrent cells (lib/ops/recurrent.ts) -------------------------------------------------------------
  // Time-major buffers: xw [steps, batch, k units] holds x W + b of every step; states holds the state slots
  // 0..steps ([steps + 1, batch, units] each, slot 0 the initial state, slot t + 1 the state after step t); a row
  // (t, b) with mask[t, b] == 0 (mask [steps, batch], null: none) keeps the previous state. f = activation,
  // s = recurrentActivation (tanh, sigmoid, relu or linear). A step kernel runs step t; the op loops over t, or calls
  // a sequence kernel (lstmSequence) that runs every step.
  // recurrentMask (null: none) is the recurrent dropout of training, [k, batch, units] for a cell of k gates (LSTM 4,
  // GRU 3, simple RNN 1), already scaled (0 or 1 / (1 - rate)): gate g's recurrent product takes (h * mask[g]) U_g
  // instead of h U_g, where U_g is the gate's column block of U; the gradients then carry
  // dh += sum_g (dz_g U_g^T) * mask[g]. The GRU's blend z h and the carry of masked rows keep the undropped h.
  /**
   * One LSTM step (Keras gate order i, f, c, o): with h = states slot t (h slab) and c its cell slot,
   * z = xw[t] + h U, i = s(z_i), f = s(z_f), g = f(z_c), o = s(z_o), c' = f c + i g, h' = o f(c'), written to slot
   * t + 1 of both slabs; gates[t] keeps [i, f, g, o]. states is [2, steps + 1, batch, units] (h slab, c slab).
   */
  lstmStep: kernel<(xw: Buf, recurrentKernel: Buf, mask: Buf | null, states: Buf, gates: Buf, t: number, steps: number,
    batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp, recurrentMask: Buf | null) => void>(
    ['in', 'in', 'in?', 'inout', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'unaryOp', 'in?'], { gemm: true }),
  /**
   * Backward of `lstmStep` t: carry [2, batch, units] holds dL/dh and dL/dc of slot t + 1 without the direct terms;
   * it adds dStates slot t + 1, writes dz (the gradient of xw[t]) into dxw[t] and leaves dL/dh, dL/dc of slot t:
   * dc_t = dc' f, dh_t = dz U^T (masked rows pass dh and dc through, dz = 0 there).
   */
  lstmStepGrad: kernel<(recurrentKernel: Buf, mask: Buf | null, states: Buf, gates: Buf, dStates: Buf, carry: Buf,
    dxw: Buf, t: number, steps: number, batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp,
    recurrentMask: Buf | null) => void>(
    ['in', 'in?', 'in', 'in', 'in', 'inout', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'unaryOp', 'in?'], { gemm: true }),
  /**
   * Every step of an LSTM sequence in one call: the same as `lstmStep` for t = 0, 1, ..., steps - 1 (same buffers,
   * no t). Batch rows are independent within a step, so a backend may run blocks of rows through all the steps
   * in parallel (the cpu backend: one block per thread).
   */
  lstmSequence: kernel<(xw: Buf, recurrentKernel: Buf, mask: Buf | null, states: Buf, gates: Buf, steps: number,
    batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp) => void>(
    ['in', 'in', 'in?', 'inout', 'inout', 'count', 'count', 'count', 'unaryOp', 'unaryOp'], { gemm: true }),
  /**
   * Backpropagation through a whole LSTM sequence in one call: the same as `lstmStepGrad` for
   * t = steps - 1, ..., 1, 0 (same buffers, no t); carry ends with dL/dh and dL/dc of slot 0 without dStates slot 0.
   */
  lstmSequenceGrad: kernel<(recurrentKernel: Buf, mask: Buf | null, states: Buf, gates: Buf, dStates: Buf, carry: Buf,
    dxw: Buf, steps: number, batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp) => void>(
    ['in', 'in?', 'in', 'in', 'in', 'inout', 'inout', 'count', 'count', 'count', 'unaryOp', 'unaryOp'], { gemm: true }),
  /**
   * One GRU step, Keras reset_after form (gate order z, r, h): with h = states slot t, a = h U + recurrentBias,
   * z = s(xw_z + a_z), r = s(xw_r + a_r), n = f(xw_h + r a_h), h' = z h + (1 - z) n into slot t + 1;
   * gates[t] is [2, batch, 3 units]: [z, r, n] then a. states is [steps + 1, batch, units].
   */
  gruStep: kernel<(xw: Buf, recurrentKernel: Buf, recurrentBias: Buf, mask: Buf | null, states: Buf, gates: Buf,
    t: number, steps: number, batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp,
    recurrentMask: Buf | null) => void>(
    ['in', 'in', 'in', 'in?', 'inout', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'unaryOp', 'in?'], { gemm: true }),
  /**
   * Backward of `gruStep` t: carry [batch, units] is dL/dh of slot t + 1 without dStates slot t + 1 (added here);
   * writes the gradient of xw[t] into dxw[t] and that of a into dRecurrent[t] ([steps, batch, 3 units]), and
   * leaves dL/dh of slot t in carry: dh_t = dh' z + da U^T.
   */
  gruStepGrad: kernel<(recurrentKernel: Buf, mask: Buf | null, states: Buf, gates: Buf, dStates: Buf, carry: Buf,
    dxw: Buf, dRecurrent: Buf, t: number, steps: number, batch: number, units: number, activation: UnaryOp,
    recurrentActivation: UnaryOp, recurrentMask: Buf | null) => void>(
    ['in', 'in?', 'in', 'in', 'in', 'inout', 'inout', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'unaryOp', 'in?'], { gemm: true }),
  /** One simple RNN step: h' = f(xw[t] + h U) into slot t + 1 of states [steps + 1, batch, units]. */
  rnnStep: kernel<(xw: Buf, recurrentKernel: Buf, mask: Buf | null, states: Buf, t: number, steps: number, batch: number,
    units: number, activation: UnaryOp, recurrentMask: Buf | null) => void>(
    ['in', 'in', 'in?', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'in?'], { gemm: true }),
  /**
   * Backward of `rnnStep` t: carry (dL/dh of slot t + 1 without dStates slot t + 1, added here) gives
   * dz = dh' f'(h') into dxw[t] and dh_t = dz U^T in carry.
   */
  rnnStepGrad: kernel<(recurrentKernel: Buf, mask: Buf | null, states: Buf, dStates: Buf, carry: Buf, dxw: Buf, t: number,
    steps: number, batch: number, units: number, activation: UnaryOp, recurrentMask: Buf | null) => void>(
    ['in', 'in?', 'in', 'in', 'inout', 'inout', 'count', 'count', 'count', 'count', 'unaryOp', 'in?'], { gemm: true }),

  // ---- data movement ------------------------------------------------------------------------------------
  /**
   * For every index tuple idx over `shape`:
   * out[outOffset + idx . outStrides] (+)= x[xOffset + idx . xStrides]. With `accumulate` the value is
   * added instead of written. Serves transpose, slice, concat, pad and broadcast expansion.
   */
  copyStrided: kernel<(x: Buf, xOffset: number, xStrides: number[], out: Buf, outOffset: number, outStrides: number[],
    shape: number[], accumulate: boolean) => void>(
    ['in', 'count', 'shape', 'inout', 'count', 'shape', 'shape', 'flag']),
  /** out[i, :] = x[indices[i], :] for rows of `rowSize` floats. Indices were range-checked. */
  gatherRows: kernel<(x: Buf, indices: Int32Array, out: Buf, rowSize: number) => void>(['in', 'indices', 'out', 'count']),
  /** dx[indices[i], :] += dy[i, :] (dx is not cleared first). */
  scatterAddRows: kernel<(dy: Buf, indices: Int32Array, dx: Buf, rowSize: number) => void>(['in', 'indices', 'inout', 'count']),

  // ---- embeddings and layer normalization (lib/ops/embedding.ts, lib/ops/layer-norm.ts) ---------------------
  /**
   * Embedding lookup with the ids in a buffer (so that a compiled step reads each batch's ids):
   * out[i, :] = table[ids[i], :] for i < count, rows of `rowSize` floats. An id that is not an integer in
   * [0, table rows) gives a row of NaN (the ops layer checks ids when the data is given: never reached there).
   */
  embeddingLookup: kernel<(table: Buf, ids: Buf, out: Buf, count: number, rowSize: number) => void>(
    ['in', 'in', 'out', 'count', 'count']),
  /**
   * Embedding gradient as a sparse scatter-add: dTable = 0, then dTable[ids[i], :] += dy[i, :] for i < count (ids
   * that repeat add up; an invalid id is skipped). Work is one clear of dTable plus count * rowSize additions; no
   * one-hot matrix and no GEMM.
   */
  embeddingGrad: kernel<(dy: Buf, ids: Buf, dTable: Buf, count: number, rowSize: number) => void>(
    ['in', 'in', 'out', 'count', 'count']),
  /**
   * Layer normalization of the rows of x [rows, cols]: mean[r] = sum_j x[r, j] / cols,
   * rstd[r] = 1 / sqrt(sum_j (x[r, j] - mean[r])^2 / cols + epsilon) (biased variance, as Keras and PyTorch),
   * y[r, j] = (x[r, j] - mean[r]) rstd[r] gamma[j] + beta[j] (gamma 1 and beta 0 where null).
   */
  layerNorm: kernel<(x: Buf, gamma: Buf | null, beta: Buf | null, y: Buf, mean: Buf, rstd: Buf, rows: number, cols: number,
    epsilon: number) => void>(['in', 'in?', 'in?', 'out', 'out', 'out', 'count', 'count', 'scalar']),
  /**
   * Gradient of `layerNorm` from its saved mean and rstd: with xhat = (x - mean) rstd and g = dy gamma,
   * dx[r, j] = rstd[r] (g[r, j] - mean_j g[r, :] - xhat[r, j] mean_j (g xhat)[r, :]);
   * dgamma[j] = sum_r dy[r, j] xhat[r, j]; dbeta[j] = sum_r dy[r, j].
   */
  layerNormGrad: kernel<(x: Buf, gamma: Buf | null, mean: Buf, rstd: Buf, dy: Buf, dx: Buf, dgamma: Buf, dbeta: Buf,
    rows: number, cols: number) => void>(
    ['in', 'in?', 'in', 'in', 'in', 'out', 'out', 'out', 'count', 'count']),

  // ---- optimizers: one call updates every parameter in place ----------------------------------------------
  // `hyper` is the optimizer's [learningRate, stepsDone] buffer: lr = hyper[0], the step number t = hyper[1] + 1,
  // and the step stores t into hyper[1] after the update. The last argument `keras` picks Keras 3's formulas (true) or PyTorch's (false); lib/optimizers/convention.ts
  // lists the differences, native/common/optimizer_math.h and lib/backend/reference/optimizers.ts implement them.
  /**
   * SGD. keras: p -= lr * wd * p; with momentum v = momentum * v - lr * g, p += v (nesterov:
   * p += momentum * v - lr * g); else p -= lr * g. pytorch: g = grad + wd * p; with momentum
   * v = momentum * v + g and the step is v (nesterov: g + momentum * v); p -= lr * step.
   * `velocity` is empty when momentum is 0.
   */
  sgdStep: kernel<(params: Buf[], grads: Buf[], velocity: Buf[], hyper: Buf, momentum: number, nesterov: boolean,
    weightDecay: number, keras: boolean) => void>(['inouts', 'ins', 'inouts', 'hyper', 'scalar', 'flag', 'scalar', 'flag']),
  /**
   * Adam (Kingma & Ba): g = grad (+ wd * p when not decoupled); decoupled: p -= lr * wd * p first;
   * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) with amsgrad, v' = vmax or v;
   * pytorch: p -= lr * (m / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps);
   * keras: p -= (lr * sqrt(1 - b2^t) / (1 - b1^t)) * m / (sqrt(v') + eps).
   */
  adamStep: kernel<(params: Buf[], grads: Buf[], m: Buf[], v: Buf[], vmax: Buf[], hyper: Buf, beta1: number, beta2: number,
    epsilon: number, weightDecay: number, decoupled: boolean, keras: boolean) => void>(
    ['inouts', 'ins', 'inouts', 'inouts', 'inouts', 'hyper', 'scalar', 'scalar', 'scalar', 'scalar', 'flag', 'flag']),
  /**
   * Adagrad. keras: p -= lr * wd * p; acc += g^2; p -= lr * g / sqrt(acc + eps).
   * pytorch: g = grad + wd * p; acc += g^2; p -= lr * g / (sqrt(acc) + eps).
   */
  adagradStep: kernel<(params: Buf[], grads: Buf[], accum: Buf[], hyper: Buf, epsilon: number, weightDecay: number,
    keras: boolean) => void>(['inouts', 'ins', 'inouts', 'hyper', 'scalar', 'scalar', 'flag']),
  /**
   * RMSprop: sq = rho sq + (1 - rho) g^2; var = sq - mg^2 when centered (mg = rho mg + (1 - rho) g) else sq.
   * keras: p -= lr * wd * p; inc = lr * g / sqrt(var + eps); with momentum buf = momentum buf + inc, p -= buf;
   * else p -= inc. pytorch: g = grad + wd * p; denom = sqrt(var) + eps; with momentum
   * buf = momentum buf + g / denom, p -= lr buf; else p -= lr g / denom.
   * `meanGrad` is empty unless centered, `momentumBuf` unless momentum > 0.
   */
  rmspropStep: kernel<(params: Buf[], grads: Buf[], sq: Buf[], meanGrad: Buf[], momentumBuf: Buf[], hyper: Buf, rho: number,
    momentum: number, epsilon: number, centered: boolean, weightDecay: number, keras: boolean) => void>(
    ['inouts', 'ins', 'inouts', 'inouts', 'inouts', 'hyper', 'scalar', 'scalar', 'scalar', 'flag', 'scalar', 'flag']),

  // ---- fused training ops -------------------------------------------------------------------------------
  /**
   * Dense layer forward in one pass after the GEMM: z = x[m, k] @ w[k, n] + bias[n] (bias may be null);
   * out = activation(z; param). `z` receives the pre-activation; it may be the same buffer as `out` (then
   * the activation is applied in place and only `out` remains, as in inference).
   */
  denseForward: kernel<(x: Buf, w: Buf, bias: Buf | null, z: Buf, out: Buf, m: number, n: number, k: number,
    activation: UnaryOp, param: number) => void>(
    ['in', 'in', 'in?', 'out', 'out', 'count', 'count', 'count', 'unaryOp', 'scalar'], { gemm: true }),
  /**
   * Dense layer backward up to the GEMMs, in one pass: dz[r, j] = dy[r, j] * f'(z[r, j]; param) over m rows
   * of n columns (y = f(z), as `unaryGrad`), and dbias[j] = sum_r dz[r, j], summed in the order
   * `reduce('sum', dz, dbias, 1, m, n)` uses: the result is that of those two kernels, in one call.
   */
  biasActivationGrad: kernel<(activation: UnaryOp, z: Buf, y: Buf, dy: Buf, dz: Buf, dbias: Buf, m: number, n: number,
    param: number) => void>(['unaryOp', 'in', 'in', 'in', 'out', 'out', 'count', 'count', 'scalar']),
  /**
   * Softmax cross-entropy per row from logits. `targets` holds class indices as floats ([rows]) when
   * `sparse`, else target distributions ([rows, cols]). Writes probs = softmax(logits) and
   * loss[r] = -sum_j t[r, j] log probs[r, j] = sum_j t[r, j] (logsumexp_r - logits[r, j]), stable for any
   * logits. Sparse class indices must lie in [0, cols) (the ops layer checks them).
   */
  softmaxCrossEntropy: kernel<(logits: Buf, targets: Buf, probs: Buf, loss: Buf, rows: number, cols: number,
    sparse: boolean) => void>(['in', 'in', 'out', 'out', 'count', 'count', 'flag']),
  /**
   * dLogits[r, j] = g_r * (probs[r, j] * sum_i t[r, i] - t[r, j]) with g_r = dLoss[r * dLossStride] * dLossScale
   * (rounded to float32 first); for targets that sum to 1 per row (one-hot, smoothed labels, sparse) this is
   * g_r * (probs - t). Exact for any non-negative targets. `dLossStride` is 1 for one upstream gradient per row,
   * 0 for one value shared by every row (the gradient of the batch mean: dLossScale = 1 / rows).
   */
  softmaxCrossEntropyGrad: kernel<(probs: Buf, targets: Buf, dLoss: Buf, dLogits: Buf, rows: number, cols: number,
    sparse: boolean, dLossStride: 0 | 1, dLossScale: number) => void>(
    ['in', 'in', 'in', 'out', 'count', 'count', 'flag', 'count', 'scalar']),
  /**
   * Binary cross-entropy from logits, elementwise over n values: loss[i] = softplus(x[i]) - x[i] t[i]
   * (= -(t log s(x) + (1 - t) log(1 - s(x))) with s the sigmoid, stable for any x), each term rounded to float32
   * as the softplus, mul and sub kernels round it.
   */
  sigmoidCrossEntropy: kernel<(logits: Buf, targets: Buf, loss: Buf, n: number) => void>(['in', 'in', 'out', 'count']),
  /**
   * dLogits[i] = g_i (s(x[i]) - t[i]) with g_i = dLoss[i * dLossStride] * dLossScale (rounded to float32 first);
   * `dLossStride` 0 shares one upstream value among all elements (the gradient of the mean: dLossScale = 1 / n).
   */
  sigmoidCrossEntropyGrad: kernel<(logits: Buf, targets: Buf, dLoss: Buf, dLogits: Buf, n: number, dLossStride: 0 | 1,
    dLossScale: number) => void>(['in', 'in', 'in', 'out', 'count', 'count', 'scalar']),

  // ---- random -------------------------------------------------------------------------------------------
  /**
   * Inverted dropout with masks from Philox4x32-10 (lib/backend/philox.ts, native/common/philox.h): for call t,
   * the counter held in `state` (DROPOUT_STATE_SIZE = 4 floats, the 64-bit counter as 16-bit limbs), element i
   * is kept when u_i = (w_i >>> 8) 2^-24 >= rate, w_i the word i mod 4 of philox((floor(i/4), t), (key0, key1));
   * mask[i] = kept ? fround(1 / (1 - rate)) : 0 and y[i] = x[i] * mask[i]. The kernel then advances the counter
   * in `state` by one on the backend (also when n is 0), so that replaying the same call draws a fresh mask.
   * rate in [0, 1); key0 and key1 are uint32. Same state and key: the same mask bit for bit on every backend.
   */
  dropout: kernel<(x: Buf, y: Buf, mask: Buf, state: Buf, n: number, rate: number, key0: number, key1: number) => void>(
    ['in', 'out', 'out', 'inout', 'count', 'scalar', 'scalar', 'scalar']),
  /**
   * Gaussian noise: y[i] = x[i] + fround(stddev) z[i] (float32), z[i] standard normals drawn by Box-Muller from the
   * Philox4x32-10 words of call t = the counter in `state` (as dropout's) under (key0, key1), pairs of words per pair
   * of normals (native/common/gaussian_noise.h). The kernel then advances the counter by one (also when n is 0).
   */
  gaussianNoise: kernel<(x: Buf, y: Buf, state: Buf, n: number, stddev: number, key0: number, key1: number) => void>(
    ['in', 'out', 'inout', 'count', 'scalar', 'scalar', 'scalar']),

  // ---- convolutions (channels last) --------------------------------------------------------------------
  /**
   * 2-D convolution, channels last, with bias and activation: for x [N, H, W, C] and w [KH, KW, C, F],
   * z[n, i, j, f] = bias[f] + sum_{a, b, c} x[n, i SH + a DH - PT, j SW + b DW - PL, c] w[a, b, c, f] (x read as 0
   * outside the image), out = activation(z; param) ([N, OH, OW, F]; `z` may be `out`, as in denseForward).
   * `sizes` = [N, H, W, C, OH, OW, F]; `window` = [KH, KW, SH, SW, DH, DW, PT, PL] (strides, dilations, the
   * top and left padding). A 1-D convolution is the case H = KH = 1.
   */
  conv2dForward: kernel<(x: Buf, w: Buf, bias: Buf | null, z: Buf, out: Buf, sizes: number[], window: number[],
    activation: UnaryOp, param: number) => void>(
    ['in', 'in', 'in?', 'out', 'out', 'shape', 'shape', 'unaryOp', 'scalar'], { gemm: true }),
  /**
   * The input gradient of conv2dForward's z: dx[n, y, x', c] = sum over (i, j, a, b, f) with i SH + a DH - PT = y
   * and j SW + b DW - PL = x' of dz[n, i, j, f] w[a, b, c, f]. `sizes` and `window` as in conv2dForward.
   */
  conv2dInputGrad: kernel<(dz: Buf, w: Buf, dx: Buf, sizes: number[], window: number[]) => void>(
    ['in', 'in', 'out', 'shape', 'shape'], { gemm: true }),
  /**
   * The kernel gradient of conv2dForward's z: dw[a, b, c, f] = sum_{n, i, j} x[n, i SH + a DH - PT,
   * j SW + b DW - PL, c] dz[n, i, j, f] (0 outside the image). `sizes` and `window` as in conv2dForward.
   */
  conv2dFilterGrad: kernel<(x: Buf, dz: Buf, dw: Buf, sizes: number[], window: number[]) => void>(
    ['in', 'in', 'out', 'shape', 'shape'], { gemm: true }),

  // ---- pooling ------------------------------------------------------------------------------------------
  /**
   * 2-D pooling, channels last: x is [n, h, w, c] (`xShape`), y is [n, outH, outW, c]; `window` is [poolH, poolW,
   * strideH, strideW, padTop, padLeft, outH, outW]. Output (oh, ow) pools the rows [oh strideH - padTop, + poolH)
   * and columns [ow strideW - padLeft, + poolW) of x clipped to the image (each window must hold one element at
   * least): with `max` its largest value (NaN propagating), else the mean of the elements inside the image
   * (Keras's 'same' padding, PyTorch's count_include_pad=False). 1-D pooling is the same with h = 1.
   */
  pool2d: kernel<(x: Buf, y: Buf, xShape: number[], window: number[], max: boolean) => void>(['in', 'out', 'shape', 'shape', 'flag']),
  /**
   * Gradient of `pool2d` (same geometry): dx[i] = sum of dy over the windows whose first maximum (in row-major order,
   * a NaN before any larger value) is element i, with `max`; else dx[i] = sum over the windows w covering i of
   * dy[w] / count(w). `x` is read only with `max` (it may be null otherwise).
   */
  pool2dGrad: kernel<(x: Buf | null, dy: Buf, dx: Buf, xShape: number[], window: number[], max: boolean) => void>(
    ['in?', 'in', 'out', 'shape', 'shape', 'flag']),
} as const;

/** The name of a kernel. */
export type KernelName = keyof typeof KERNELS;

/** Every kernel name, in table order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/** The signature of kernel K, over the stand-in buffer type. */
export type KernelSignature<K extends KernelName> = typeof KERNELS[K] extends KernelSpec<infer F> ? F : never;

/** T with the stand-in buffer replaced by S (lists and null too). */
type Stored<T, S> = T extends Buf ? S : T extends readonly Buf[] ? S[] : T;
/**
 * F with every buffer parameter of storage S (parameter names and optional parameters kept), as a method: its
 * parameters compare bivariantly, as those of methods declared in an interface do, so that a `Backend<Float32Array>`
 * is a `Backend<unknown>`.
 */
type WithStorage<F, S> = F extends (...args: infer A) => infer R
  ? { method(...args: { [I in keyof A]: Stored<A[I], S> }): R }['method'] : never;

/** The kernel methods of a `Backend<S>`, one per table row. */
export type KernelMethods<S> = { -readonly [K in keyof typeof KERNELS]: WithStorage<KernelSignature<K>, S> };

/** An argument as the addon entry takes it: buffers of storage S, op names as ids (numbers). */
type Native<T, S> = T extends Buf ? S : T extends readonly Buf[] ? S[] : T extends string ? number : T;
/** F as the addon entry of the same name takes it: every argument given, op names as ids. */
type NativeEntry<F, S> = F extends (...args: infer A) => infer R ? (...args: { [I in keyof A]-?: Native<Exclude<A[I], undefined>, S> }) => R : never;

/** The addon's kernel entry points (both flavours), one per table row: same arguments, op names as numeric ids. */
export type NativeKernelEntries<S> = { -readonly [K in keyof typeof KERNELS]: NativeEntry<KernelSignature<K>, S> };

/** The kinds that name an op, passed to native code as the op's id. */
export const OP_KINDS: ReadonlySet<ArgKind> = new Set<ArgKind>(['unaryOp', 'binaryOp', 'reduceOp']);

/** True for the optimizer steps (kernels with a `hyper` buffer): compiled programs do not hold them. */
export function isOptimizerKernel(name: KernelName): boolean {
  return KERNELS[name].kinds.includes('hyper');
}
