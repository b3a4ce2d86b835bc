/**
 * The typed contract of the native addons (the `.node` files built from native/). Only numbers, arrays of
 * numbers, TypedArrays, arrays of TypedArrays and opaque handles cross this boundary. Kernel ids are the
 * numbers of lib/backend/kernel-ids.ts. Every function validates its arguments and throws a JS exception
 * (never aborts) on a mismatch.
 */
import type { NativeKernelEntries } from '../backend/kernel-table';

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
  /** Every BLAS file the loader tried, with the outcome ("dlopen failed: ...", "exports no cblas_sgemm", "loaded"). */
  tried: string[];
}

/** Options of the CPU flavour's `init`. */
export interface NativeCpuInitOptions {
  /** A BLAS library path, or 'builtin' to use the own GEMM; undefined searches the usual places. */
  blas?: string;
  /** Cap on threads (MYELIN_NUM_THREADS); undefined uses every available core. */
  threads?: number;
}

/**
 * The kernel entry points both flavours export, over their storage `S` (a Float32Array on the CPU, a device
 * buffer handle on CUDA): one per row of lib/backend/kernel-table.ts, with the same arguments, every one given,
 * and op names as the ids of lib/backend/kernel-ids.ts.
 */
export type NativeKernels<S> = NativeKernelEntries<S>;

/** The CPU flavour: buffers are Float32Arrays owned by JavaScript. */
/**
 * The addon entry behind Backend.runTrainingSteps (native/cpu/train_steps.cc, native/cuda/train_steps.cc):
 * runs lrs.length training steps back to back. Per step s it gathers the batch rows `indices` of x and y
 * into the program's inputs xIn and yIn, runs the program (P: a cpu program, a cuda graph), applies
 * `optimizerCall` ([entryName, ...arguments]) after storing lrs[s] into its `hyper` buffer (the learning rate;
 * the call reads its step number there and advances it), and stores the loss scalar in losses[lossOffset + s]. The cuda flavour returns without waiting for the device.
 */
export interface NativeTrainSteps<S, P> {
  trainSteps(program: P, optimizerCall: unknown[], lrs: Float64Array, x: S, xIn: S, y: S, yIn: S,
    indices: Int32Array, loss: S, losses: S, lossOffset: number): void;
}

export interface NativeCpuAddon extends NativeKernels<Float32Array>, NativeTrainSteps<Float32Array, NativeCpuProgram> {
  init(options: NativeCpuInitOptions): NativeCpuInfo;
  /** out[i] = f(a[i], b[i]) for i < n: the same-shape case of `binary` without stride arrays. */
  binarySame(op: number, a: Float32Array, b: Float32Array, out: Float32Array, n: number): void;
  /**
   * Converts and checks a list of kernel calls once ([entryName, ...the entry's arguments] each) and returns a
   * program that runs them all in one call (native/cpu/program.cc). Throws like the entries on bad arguments.
   */
  compileProgram(calls: unknown[][]): NativeCpuProgram;
  runProgram(program: NativeCpuProgram): void;
  /**
   * Shuffles `order` in place as `Random.shuffle` does, drawing from the xoshiro128** state `state` (its four
   * 32-bit words s0..s3, advanced in place): the same order as the TypeScript shuffle from the same state.
   * With `fromIdentity`, `order` is first filled with 0, 1, ..., n - 1.
   */
  shuffleIndices(order: Int32Array, state: Float64Array, fromIdentity: boolean): void;
  /**
   * Whole epochs of training steps (native/cpu/train_epochs.cc), behind Backend.runTrainingEpochs: `kinds` holds
   * [program, optimizerCall, xIn, yIn, loss] for full batches and, when batchSize does not divide the rows of x,
   * for the last batch; one learning rate per step in `lrs`; `rngState` (or null) shuffles each epoch; each
   * epoch's batch-size-weighted mean loss goes to `epochLosses`.
   */
  trainEpochs(kinds: unknown[][], lrs: Float64Array, x: Float32Array, y: Float32Array, batchSize: number,
    epochs: number, rngState: Float64Array | null, epochLosses: Float64Array): void;
  /**
   * `trainSteps` on a worker thread of libuv's pool (native/cpu/async_job.h): resolves with the number of steps
   * run, fewer than lrs.length when `control[0]` was set non-zero meanwhile (checked between steps). The arrays
   * passed must not be touched from JavaScript until the promise settles.
   */
  trainStepsAsync(program: NativeCpuProgram, optimizerCall: unknown[], lrs: Float64Array, x: Float32Array,
    xIn: Float32Array, y: Float32Array, yIn: Float32Array, indices: Int32Array, loss: Float32Array, losses: Float32Array,
    lossOffset: number, control: Int32Array): Promise<number>;
  /** `trainEpochs` on a worker thread, as `trainStepsAsync` (an epoch cut short has no loss). */
  trainEpochsAsync(kinds: unknown[][], lrs: Float64Array, x: Float32Array, y: Float32Array, batchSize: number,
    epochs: number, rngState: Float64Array | null, epochLosses: Float64Array, control: Int32Array): Promise<number>;
  /**
   * Inference batches on a worker thread (native/cpu/run_batches.cc): per batch b < count, rows firstRow + b * batch
   * .. of x (and y) are copied into the program's inputs xIn (yIn), the program runs, its output rows outBuf go to
   * the same rows of `out` and its scalar `loss` to losses[b]. y/yIn, outBuf/out and loss/losses may be null in
   * pairs. Resolves with the batches run (fewer when control[0] was set).
   */
  runBatchesAsync(program: NativeCpuProgram, x: Float32Array, xIn: Float32Array, y: Float32Array | null, yIn: Float32Array | null,
    outBuf: Float32Array | null, out: Float32Array | null, loss: Float32Array | null, losses: Float64Array | null,
    batch: number, firstRow: number, count: number, control: Int32Array): Promise<number>;
  /**
   * The numeric rows of bytes[start, end) of a CSV block parsed into float32 on a worker thread
   * (native/cpu/csv_parse.cc), with the values of lib/data/csv-block-parser.ts: column c's value goes to
   * xs[row * features + offsets[c]] (to ys[row] for offset -1); line `headerLine` and blank lines are skipped. Stops at
   * the first line it leaves to the TypeScript parser (quotes, a bad value, a wrong field count) and writes its byte
   * offset and line number to stop[0], stop[1] (end and the line after the last: every line parsed). Resolves with
   * the rows written. The arrays must not be touched from JavaScript until the promise settles.
   */
  parseCsvBlockAsync(bytes: Uint8Array, start: number, end: number, firstLine: number, headerLine: number, delimiter: number,
    offsets: Int32Array, features: number, xs: Float32Array, ys: Float32Array | null, stop: Float64Array): Promise<number>;
  /**
   * MPI through dlopen of Open MPI's libmpi.so.40 (native/cpu/mpi_comm.cc): MPI_Init once, then this process's
   * rank and the world size; `{ missing }` (what dlopen said) when no MPI library loads.
   */
  mpiInit(): { rank: number; size: number } | { missing: string };
  /** MPI_Allreduce with MPI_SUM over MPI_COMM_WORLD, in place; blocks until every rank has called it. */
  mpiAllReduceSum(buffer: Float32Array | Float64Array): void;
  /** MPI_Bcast from `root`, in place. */
  mpiBroadcast(buffer: Float32Array | Float64Array, root: number): void;
  /** MPI_Allgather: `recv` (size * send.length) gets every rank's `send`, in rank order. */
  mpiAllGather(send: Float64Array, recv: Float64Array): void;
  mpiBarrier(): void;
  /** MPI_Finalize (once; later calls do nothing). */
  mpiFinalize(): void;
  /** How long a collective above may wait before it throws "distributed: ..." (a RangeError); default 600000. */
  mpiSetTimeout(timeoutMs: number): void;
  /**
   * Makes a compiled training program average `grads` (its gradient buffers, weight order) over the MPI ranks as
   * its backward pass runs, in buckets of at least `bucketBytes`, failing a step whose peers send nothing for
   * `timeoutMs` (native/cpu/gradient_sync.cc). Returns the number of buckets.
   */
  attachGradientSync(program: NativeCpuProgram, grads: Float32Array[], bucketBytes: number, timeoutMs: number): number;
  /** Totals of every synced step since the last reset: steps, exposed wait, pack/average/unpack, first send to last receive. */
  gradientSyncStats(reset: boolean): { steps: number; waitMs: number; reduceMs: number; exchangeMs: number };
}

/** A compiled list of kernel calls of the CPU flavour (a napi External). */
export interface NativeCpuProgram { readonly __myelinCpuProgram: never }

/** A point in the CUDA flavour's stream (a napi External holding an event). */
export interface NativeCudaStreamMark { readonly __myelinCudaStreamMark: never }

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
  /**
   * The cuBLASLt file whose bias epilogue the dense forward uses for biased linear layers (ReLU layers too with
   * MYELIN_CUBLASLT=relu), or null (no cuBLASLt, MYELIN_CUBLASLT=0, or no cuBLAS): then a separate pass after the
   * GEMM adds the bias.
   */
  cublasLt: string | null;
  /** Whether biased ReLU layers use cuBLASLt's ReLU epilogue too (MYELIN_CUBLASLT=relu, with cuBLASLt loaded). */
  cublasLtRelu: boolean;
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
  /** The largest chunk the optimizer kernels are given (elements). */
  optimizerChunk: number;
  /** The unit optimizer chunks are rounded to (elements). */
  optimizerGranule: number;
  /**
   * The chunk size of one optimizer step over `total` elements on a GPU with `multiprocessors` SMs: about
   * total / (4 multiprocessors), rounded up to `optimizerGranule`, within [optimizerGranule, optimizerChunk].
   */
  optimizerChunkFor(total: number, multiprocessors: number): number;
  /** The cuBLAS files tried for a request ('' = the usual places), in order. */
  cublasCandidates(request: string): string[];
  /** The cuBLASLt file opened beside a cuBLAS file ('' when the name is not libcublas.so*). */
  cublasLtFile(cublas: string): string;
  /** Opens (and closes) cuBLAS as init would, without a device. */
  cublasProbe(request: string): { loaded: boolean; path: string | null; version: number | null; tried: string[] };
}

/**
 * The CUDA flavour: buffers are device memory behind opaque handles; every kernel is enqueued on one stream
 * and only `download` / `synchronize` wait. Errors carry `code`: 'ERR_MYELIN_CUDA_NO_DEVICE' (no device or
 * init failed), 'ERR_MYELIN_CUDA_OOM' (device memory exhausted), 'ERR_MYELIN_CUDA' (other CUDA failures).
 */
/** An executable CUDA graph (a napi External). */
export type NativeCudaGraph = { readonly __cudaGraph: unique symbol };

export interface NativeCudaAddon extends NativeKernels<NativeCudaBuffer>, NativeTrainSteps<NativeCudaBuffer, NativeCudaGraph> {
  init(options: NativeCudaInitOptions): NativeCudaInfo;
  alloc(size: number): NativeCudaBuffer;
  upload(data: Float32Array): NativeCudaBuffer;
  download(buf: NativeCudaBuffer): Float32Array;
  free(buf: NativeCudaBuffer): void;
  /** The buffer's number of floats. */
  length(buf: NativeCudaBuffer): number;
  memoryInfo(): NativeCudaMemoryInfo;
  synchronize(): void;
  /** A mark after every piece of work enqueued so far (native/cuda/stream_marks.cc). */
  markStream(): NativeCudaStreamMark;
  /** True once the stream got past `mark` (never waits); throws the error of a kernel that failed before it. */
  markReached(mark: NativeCudaStreamMark): boolean;
  emptyCache(): void;
  /** Waits for the stream, then starts (true) or stops (false) an attached profiler's collection (cudaProfilerStart / Stop). */
  profiler(on: boolean): void;
  /** Starts capturing the stream's work into a graph (native/cuda/graphs.cc). */
  graphBegin(): void;
  /** Ends the capture: the graph, or null when the captured work cannot run as a graph. */
  graphEnd(): NativeCudaGraph | null;
  graphLaunch(graph: NativeCudaGraph): void;
  graphRelease(graph: NativeCudaGraph): void;
  /** Nodes (kernels and copies) in the graph. */
  graphNodes(graph: NativeCudaGraph): number;
  internals(): NativeCudaInternals;
  /**
   * NCCL through dlopen of libnccl.so.2 (native/cuda/nccl_comm.cc; MYELIN_NCCL_LIBRARY names another file): a new
   * 128-byte unique id (rank 0), or `{ missing }` (what dlopen said) when NCCL does not load.
   */
  ncclUniqueId(): Uint8Array | { missing: string };
  /** ncclCommInitRank on the current device with rank 0's id; `{ missing }` when NCCL does not load. */
  ncclInitRank(id: Uint8Array, rank: number, size: number): undefined | { missing: string };
  /** ncclAllReduce (float32 sum) of the first `count` floats of `buffer`, in place, on the flavour's stream. */
  ncclAllReduceSum(buffer: NativeCudaBuffer, count: number): void;
  /** ncclBroadcast of the first `count` floats of `buffer` from `root`, in place, on the flavour's stream. */
  ncclBroadcast(buffer: NativeCudaBuffer, count: number, root: number): void;
  /** ncclCommDestroy (later calls do nothing). */
  ncclDestroy(): void;
}

/** Fails to compile unless T is never (names the keys left over). */
type NoneLeft<T extends never> = T;

/**
 * The CPU flavour's entries besides the kernels of lib/backend/kernel-table.ts. The compiler checks the list
 * against NativeCpuAddon; test/backend/kernel-table.test.ts checks the built addon's exports against both.
 */
export const CPU_RUNNER_ENTRIES = [
  'init', 'trainSteps', 'binarySame', 'compileProgram', 'runProgram', 'shuffleIndices', 'trainEpochs',
  'trainStepsAsync', 'trainEpochsAsync', 'runBatchesAsync', 'parseCsvBlockAsync', 'mpiInit', 'mpiAllReduceSum', 'mpiBroadcast', 'mpiAllGather',
  'mpiBarrier', 'mpiFinalize', 'attachGradientSync', 'gradientSyncStats', 'mpiSetTimeout',
] as const satisfies ReadonlyArray<keyof NativeCpuAddon>;
export type CpuEntriesListed = NoneLeft<Exclude<keyof NativeCpuAddon, keyof NativeKernels<unknown> | typeof CPU_RUNNER_ENTRIES[number]>>;

/** The CUDA flavour's entries besides the kernels (checked as {@link CPU_RUNNER_ENTRIES} is). */
export const CUDA_RUNNER_ENTRIES = [
  'init', 'trainSteps', 'alloc', 'upload', 'download', 'free', 'length', 'memoryInfo', 'synchronize', 'emptyCache',
  'profiler', 'graphBegin', 'graphEnd', 'graphLaunch', 'graphRelease', 'graphNodes', 'internals', 'markStream', 'markReached',
  'ncclUniqueId', 'ncclInitRank', 'ncclAllReduceSum', 'ncclBroadcast', 'ncclDestroy',
] as const satisfies ReadonlyArray<keyof NativeCudaAddon>;
export type CudaEntriesListed = NoneLeft<Exclude<keyof NativeCudaAddon, keyof NativeKernels<unknown> | typeof CUDA_RUNNER_ENTRIES[number]>>;
