/**
 * The `cpu` backend: an adapter from the native addon's CPU flavour to the {@link Backend} interface.
 * Storage is a plain Float32Array owned by JavaScript, recycled through a pool; every kernel is one native
 * call with no allocation.
 */
import { BackendError, ValueError, describe } from '../errors';
import type { NativeCpuAddon, NativeCpuInfo, NativeCpuProgram } from '../native/addon-types';
import { loadCpuAddon } from '../native/loader';
import type { Backend, TrainingEpochsPlan } from './backend';
import { withDispatch } from './dispatch';
import { HostBufferPool, hostMemoryMethods } from './host-pool';
import { BINARY_OPS } from './kernel-ids';
import { nativeCall, nativeKernelMethods, nativeTrainingSteps, type AddonConfigSlot } from './native-kernels';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /** A CBLAS library path, or 'builtin' for the own GEMM. Default: MYELIN_BLAS, else the usual places. */
  blas?: string;
  /** Cap on threads of the kernels and the BLAS library. Default: MYELIN_NUM_THREADS, else every core. */
  threads?: number;
}

// The addon keeps one global configuration (BLAS library, threads). Backends created with different
// options re-apply theirs before the calls that depend on it (gemm, denseForward), so two backends can
// coexist in one process (the conformance suite runs cpu-blas and cpu-builtin side by side).
const cpuConfig: AddonConfigSlot = { active: undefined };

function threadsFromEnv(): number | undefined {
  const raw = process.env.MYELIN_NUM_THREADS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(`MYELIN_NUM_THREADS must be a positive integer, got ${describe(raw)}`);
  }
  return n;
}

/**
 * A native job's promise, whose failure on the worker thread (a C++ exception, e.g. out of memory) becomes a
 * BackendError with the addon's message, as the same failure on the JavaScript thread would be reported.
 */
function onWorker(job: Promise<number>): Promise<number> {
  return job.catch((err: unknown) => {
    throw new BackendError(`cpu backend: ${err instanceof Error ? err.message : String(err)}`);
  });
}

/** The step kinds of an epochs plan as trainEpochs takes them: [program, optimizerCall, xIn, yIn, loss] each. */
function epochKinds(p: TrainingEpochsPlan<Float32Array>): unknown[][] {
  return p.kinds.map((k) => [k.compiled, [k.optimizerCall.name, ...k.optimizerCall.args], k.xIn, k.yIn, k.loss]);
}

/**
 * Creates the cpu backend: loads the addon (throws BackendError when it cannot) and initialises it.
 * @returns the backend and what the addon reports (processor, threads, SIMD level, BLAS library, files tried).
 */
export function createCpuBackend(options: CpuBackendOptions = {}): { backend: Backend<Float32Array>; info: NativeCpuInfo } {
  const addon: NativeCpuAddon = loadCpuAddon();
  const envBlas = process.env.MYELIN_BLAS;
  const initOptions = {
    blas: options.blas ?? (envBlas !== undefined && envBlas !== '' ? envBlas : undefined),
    threads: options.threads ?? threadsFromEnv(),
  };
  const info = addon.init(initOptions);
  // The configuration in force: initOptions, or with fewer threads while some cores are reserved (reserveCores).
  let config = { options: initOptions, key: JSON.stringify(initOptions) };
  const activate = (): void => {
    if (cpuConfig.active === config.key) return;
    addon.init(config.options);
    cpuConfig.active = config.key;
  };
  cpuConfig.active = config.key;

  const pool = new HostBufferPool();
  const kernels = nativeKernelMethods(addon, activate);
  const backend: Backend<Float32Array> = {
    name: 'cpu',
    ...hostMemoryMethods(pool),
    fill: (out, value, offset = 0, length = out.length - offset) => addon.fill(out, value, offset, length),
    ...kernels,
    // Compiled replays are native programs: every call converted and checked once, then run in one call.
    compileCalls: (calls) => {
      const list: unknown[][] = [];
      for (const c of calls) {
        const call = nativeCall(c.name, c.args, (buf) => (buf as Float32Array).length);
        if (call === null) return null;
        list.push(call);
      }
      return addon.compileProgram(list);
    },
    runCompiled: (program) => {
      activate();
      addon.runProgram(program as NativeCpuProgram);
    },
    releaseCompiled: () => {},  // the program is freed with its handle
    attachGradientSync: (program, grads, bucketBytes, timeoutMs) =>
      addon.attachGradientSync(program as NativeCpuProgram, grads, bucketBytes, timeoutMs),
    reserveCores: (cores) => {
      const threads = Math.max(1, info.threads - Math.max(0, Math.floor(cores)));
      const options = threads === info.threads ? initOptions : { ...initOptions, threads };
      config = { options, key: JSON.stringify(options) };
    },
    runTrainingSteps: nativeTrainingSteps(addon, activate),
    runTrainingEpochs: (p) => {
      activate();
      addon.trainEpochs(epochKinds(p), p.lrs, p.x, p.y, p.batchSize, p.epochs, p.rngState, p.epochLosses);
    },
    runTrainingStepsAsync: (p, control) => {
      activate();
      return onWorker(addon.trainStepsAsync(p.compiled as NativeCpuProgram, [p.optimizerCall.name, ...p.optimizerCall.args], p.lrs,
        p.x, p.xIn, p.y, p.yIn, p.indices, p.loss, p.losses, p.lossOffset, control));
    },
    runTrainingEpochsAsync: (p, control) => {
      activate();
      return onWorker(addon.trainEpochsAsync(epochKinds(p), p.lrs, p.x, p.y, p.batchSize, p.epochs, p.rngState, p.epochLosses, control));
    },
    runInferenceBatchesAsync: (p, control) => {
      activate();
      return onWorker(addon.runBatchesAsync(p.compiled as NativeCpuProgram, p.x, p.xIn, p.y, p.yIn, p.output, p.out, p.loss, p.losses,
        p.batch, p.firstRow, p.count, control));
    },
    // The same-shape case skips the stride arrays (their conversion dominates a small op's cost).
    binary: (op, a, aStrides, b, bStrides, out, outShape) => {
      if (outShape.length === 1 && aStrides[0] === 1 && bStrides[0] === 1) {
        addon.binarySame(BINARY_OPS[op], a, b, out, outShape[0]);
      } else {
        kernels.binary(op, a, aStrides, b, bStrides, out, outShape);
      }
    },
  };
  return { backend: withDispatch(backend), info };
}
