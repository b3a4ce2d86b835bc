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
  /** out[i] = f(a[i], b[i]) for i < n: the same-shape case of `binary` without stride arrays. */
  binarySame(op: number, a: Float32Array, b: Float32Array, out: Float32Array, n: number): void;
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

/** An opaque handle to a device buffer of the CUDA flavour (a napi External); only the addon reads it. */
export interface NativeCudaBuffer { readonly __myelinCudaBuffer: never }

/** What the CUDA flavour reports about itself after `init`. */
export interface NativeCudaInfo {
  flavour: 'cuda';
  /** The GPU's name, e.g. "NVIDIA H100 80GB HBM3". */
  device: string;
  deviceIndex: number;
  /** "major.minor", e.g. "9.0". */
  computeCapability: string;
  memoryBytes: number;
  multiprocessors: number;
  /** CUDA runtime (linked statically) and driver versions, e.g. 13000. */
  runtimeVersion: number;
  driverVersion: number;
  /** cuBLAS as opened at run time: the file, its version (major * 10000 + minor * 100 + patch) and every file tried. */
  cublas: { loaded: boolean; path: string | null; version: number | null; tried: string[] };
  /** 'cublas' or 'builtin tiled kernel'. */
  gemm: string;
  /** Whether GEMMs may use TF32 tensor cores (only when asked for and cuBLAS is in use). */
  tf32: boolean;
}

/** Options of the CUDA flavour's `init`. */
export interface NativeCudaInitOptions {
  /** Allow TF32 tensor-core math in cuBLAS GEMMs. Default false (full float32). */
  tf32?: boolean;
  /** A cuBLAS library path, or 'builtin' for the own tiled kernel; undefined searches the usual places. */
  cublas?: string;
  /** The device index. Default 0. */
  device?: number;
}

/** The caching allocator's counters (bytes rounded to size classes). */
export interface NativeCudaMemoryInfo {
  inUseBytes: number;
  cachedBytes: number;
  /** cudaMalloc calls so far: constant in a training loop's steady state. */
  mallocCalls: number;
  freeCalls: number;
  cacheHits: number;
}

/** Host-side logic of the CUDA flavour, callable without a device (for tests). */
export interface NativeCudaInternals {
  /** The allocator's block size for a request of `bytes`. */
  sizeClass(bytes: number): number;
  /** Coalesced iteration space of a strided op over `shape` with two operands' strides. */
  coalesce(shape: number[], strides0: number[], strides1: number[]): { dim: number[]; s0: number[]; s1: number[] };
  /** The optimizer launch's chunk table: [tensor, begin, length] triples. */
  splitChunks(lengths: number[], chunk: number): Array<[number, number, number]>;
  /** The chunk size the optimizer kernels use. */
  optimizerChunk: number;
  /** The cuBLAS files tried for a request ('' = the usual places), in order. */
  cublasCandidates(request: string): string[];
  /** Opens (and closes) cuBLAS as init would, without a device. */
  cublasProbe(request: string): { loaded: boolean; path: string | null; version: number | null; tried: string[] };
}

/**
 * The CUDA flavour: buffers are device memory behind opaque handles; every kernel is enqueued on one stream
 * and only `download` / `synchronize` wait. Errors carry `code`: 'ERR_MYELIN_CUDA_NO_DEVICE' (no device or
 * init failed), 'ERR_MYELIN_CUDA_OOM' (device memory exhausted), 'ERR_MYELIN_CUDA' (other CUDA failures).
 */
export interface NativeCudaAddon {
  init(options: NativeCudaInitOptions): NativeCudaInfo;
  alloc(size: number): NativeCudaBuffer;
  upload(data: Float32Array): NativeCudaBuffer;
  download(buf: NativeCudaBuffer): Float32Array;
  free(buf: NativeCudaBuffer): void;
  /** The buffer's number of floats. */
  length(buf: NativeCudaBuffer): number;
  fill(out: NativeCudaBuffer, value: number, offset: number, length: number): void;
  memoryInfo(): NativeCudaMemoryInfo;
  synchronize(): void;
  emptyCache(): void;
  internals(): NativeCudaInternals;
  unary(op: number, x: NativeCudaBuffer, out: NativeCudaBuffer, n: number, param: number): void;
  unaryGrad(op: number, x: NativeCudaBuffer, y: NativeCudaBuffer, dy: NativeCudaBuffer, dx: NativeCudaBuffer, n: number,
            param: number): void;
  binary(op: number, a: NativeCudaBuffer, aStrides: number[], b: NativeCudaBuffer, bStrides: number[],
         out: NativeCudaBuffer, outShape: number[]): void;
  reduce(op: number, x: NativeCudaBuffer, out: NativeCudaBuffer, outer: number, mid: number, inner: number): void;
  softmax(x: NativeCudaBuffer, out: NativeCudaBuffer, rows: number, cols: number, log: boolean): void;
  softmaxGrad(y: NativeCudaBuffer, dy: NativeCudaBuffer, dx: NativeCudaBuffer, rows: number, cols: number, log: boolean): void;
  gemm(a: NativeCudaBuffer, b: NativeCudaBuffer, out: NativeCudaBuffer, m: number, n: number, k: number, transA: boolean,
       transB: boolean, alpha: number, beta: number): void;
  copyStrided(x: NativeCudaBuffer, xOffset: number, xStrides: number[], out: NativeCudaBuffer, outOffset: number,
              outStrides: number[], shape: number[], accumulate: boolean): void;
  gatherRows(x: NativeCudaBuffer, indices: Int32Array, out: NativeCudaBuffer, rowSize: number): void;
  scatterAddRows(dy: NativeCudaBuffer, indices: Int32Array, dx: NativeCudaBuffer, rowSize: number): void;
  sgdStep(params: NativeCudaBuffer[], grads: NativeCudaBuffer[], velocity: NativeCudaBuffer[], lr: number, momentum: number,
          nesterov: boolean, weightDecay: number): void;
  adamStep(params: NativeCudaBuffer[], grads: NativeCudaBuffer[], m: NativeCudaBuffer[], v: NativeCudaBuffer[],
           vmax: NativeCudaBuffer[], lr: number, beta1: number, beta2: number, epsilon: number, step: number,
           weightDecay: number, decoupled: boolean): void;
  adagradStep(params: NativeCudaBuffer[], grads: NativeCudaBuffer[], accum: NativeCudaBuffer[], lr: number, epsilon: number,
              weightDecay: number): void;
  rmspropStep(params: NativeCudaBuffer[], grads: NativeCudaBuffer[], sq: NativeCudaBuffer[], meanGrad: NativeCudaBuffer[],
              momentumBuf: NativeCudaBuffer[], lr: number, rho: number, momentum: number, epsilon: number,
              centered: boolean, weightDecay: number): void;
  denseForward(x: NativeCudaBuffer, w: NativeCudaBuffer, bias: NativeCudaBuffer | null, z: NativeCudaBuffer,
               out: NativeCudaBuffer, m: number, n: number, k: number, activation: number, param: number): void;
  softmaxCrossEntropy(logits: NativeCudaBuffer, targets: NativeCudaBuffer, probs: NativeCudaBuffer, loss: NativeCudaBuffer,
                      rows: number, cols: number, sparse: boolean): void;
  softmaxCrossEntropyGrad(probs: NativeCudaBuffer, targets: NativeCudaBuffer, dLoss: NativeCudaBuffer,
                          dLogits: NativeCudaBuffer, rows: number, cols: number, sparse: boolean): void;
}
