/**
 * The typed contract of the native addons (the `.node` files built from native/). Only numbers, arrays of
 * numbers, TypedArrays, arrays of TypedArrays and opaque handles cross this boundary. Kernel ids are the
 * numbers of lib/backend/kernel-ids.ts. Every function validates its arguments and throws a JS exception
 * (never aborts) on a mismatch.
 */

/** What the CPU flavour reports about itself after `init`. */
export interface NativeCpuInfo {
  flavour: 'cpu';
  /** Human-readable processor name, e.g. "AMD EPYC 7B13". */
  device: string;
  /** Threads the addon's own kernels and the BLAS library use. */
  threads: number;
  /** The SIMD level of the built-in kernels: 'avx512' | 'avx2' | 'scalar'. */
  simd: string;
  /** The BLAS library in use: `library` is 'openblas' | 'mkl' | 'blis' | 'cblas' | 'builtin'. */
  blas: { library: string; path: string | null };
  /** Every BLAS file the loader tried, with the outcome ("not found", "no cblas_sgemm", "loaded"). */
  tried: string[];
}

/** Options of the CPU flavour's `init`. */
export interface NativeCpuInitOptions {
  /** A BLAS library path, or 'builtin' to use the own GEMM; undefined searches the usual places. */
  blas?: string;
  /** Cap on threads (MYELIN_NUM_THREADS); undefined uses every available core. */
  threads?: number;
}

/** The CPU flavour: buffers are Float32Arrays owned by JavaScript. */
export interface NativeCpuAddon {
  init(options: NativeCpuInitOptions): NativeCpuInfo;
  fill(out: Float32Array, value: number, offset: number, length: number): void;
  unary(op: number, x: Float32Array, out: Float32Array, n: number, param: number): void;
  unaryGrad(op: number, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, n: number,
            param: number): void;
  binary(op: number, a: Float32Array, aStrides: number[], b: Float32Array, bStrides: number[],
         out: Float32Array, outShape: number[]): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number, log: boolean): void;
  gemm(a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, k: number, transA: boolean,
       transB: boolean, alpha: number, beta: number): void;
  copyStrided(x: Float32Array, xOffset: number, xStrides: number[], out: Float32Array, outOffset: number,
              outStrides: number[], shape: number[], accumulate: boolean): void;
  gatherRows(x: Float32Array, indices: Int32Array, out: Float32Array, rowSize: number): void;
  scatterAddRows(dy: Float32Array, indices: Int32Array, dx: Float32Array, rowSize: number): void;
  sgdStep(params: Float32Array[], grads: Float32Array[], velocity: Float32Array[], lr: number, momentum: number,
          nesterov: boolean, weightDecay: number): void;
  adamStep(params: Float32Array[], grads: Float32Array[], m: Float32Array[], v: Float32Array[],
           vmax: Float32Array[], lr: number, beta1: number, beta2: number, epsilon: number, step: number,
           weightDecay: number, decoupled: boolean): void;
  adagradStep(params: Float32Array[], grads: Float32Array[], accum: Float32Array[], lr: number, epsilon: number,
              weightDecay: number): void;
  rmspropStep(params: Float32Array[], grads: Float32Array[], sq: Float32Array[], meanGrad: Float32Array[],
              momentumBuf: Float32Array[], lr: number, rho: number, momentum: number, epsilon: number,
              centered: boolean, weightDecay: number): void;
  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, z: Float32Array, out: Float32Array,
               m: number, n: number, k: number, activation: number, param: number): void;
  softmaxCrossEntropy(logits: Float32Array, targets: Float32Array, probs: Float32Array, loss: Float32Array,
                      rows: number, cols: number, sparse: boolean): void;
  softmaxCrossEntropyGrad(probs: Float32Array, targets: Float32Array, dLoss: Float32Array, dLogits: Float32Array,
                          rows: number, cols: number, sparse: boolean): void;
}
