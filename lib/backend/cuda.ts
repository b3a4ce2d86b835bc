/**
 * The `cuda` backend: an adapter from the addon's CUDA flavour (build-cuda/Release/myelin_cuda.node) to the
 * {@link Backend} interface. Storage is an opaque device-buffer handle; every kernel is one native call that
 * enqueues work on the addon's one stream, and only `download` waits for the device.
 */
import { BackendError, ValueError, describe } from '../errors';
import type { NativeCudaAddon, NativeCudaBuffer, NativeCudaGraph, NativeCudaInfo, NativeCudaInitOptions } from '../native/addon-types';
import { loadCudaAddon } from '../native/loader';
import type { Backend } from './backend';
import { withDispatch } from './dispatch';
import { configActivator, nativeKernelMethods, nativeTrainingSteps, type AddonConfigSlot } from './native-kernels';

/** Options of {@link createCudaBackend}, as `setBackend('cuda', options)` passes them (the cpu options are ignored). */
export interface CudaBackendOptions {
  /** Allow TF32 tensor-core math in GEMMs (faster, ~1e-3 relative error). Default: MYELIN_TF32=1, else false. */
  tf32?: boolean;
  /** A cuBLAS library path, or 'builtin' for the own tiled GEMM. Default: MYELIN_CUBLAS, else the usual places. */
  cublas?: string;
  /** The GPU to use. Default: MYELIN_CUDA_DEVICE, else 0. */
  device?: number;
}

/** What {@link createCudaBackend} returns: the backend and the facts `backendInfo()` reports. */
export interface CudaBackendResult {
  backend: Backend<NativeCudaBuffer>;
  info: { backend: 'cuda'; device: string; details: Record<string, unknown> };
  /** The addon's own report (GPU, compute capability, cuBLAS, TF32). */
  native: NativeCudaInfo;
}

// The init options last applied to the addon (it keeps one cuBLAS configuration per process).
const cudaConfig: AddonConfigSlot = { active: undefined };

function envFlag(name: string): boolean | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ValueError(`${name} must be 1 or 0, got ${describe(raw)}`);
}

function envDevice(): number | undefined {
  const raw = process.env.MYELIN_CUDA_DEVICE;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`MYELIN_CUDA_DEVICE must be a non-negative integer, got ${describe(raw)}`);
  return n;
}

/** Loads the CUDA flavour or throws BackendError saying why it is not available. */
export function loadCudaFlavour(): NativeCudaAddon {
  const loaded = loadCudaAddon();
  if ('reason' in loaded) {
    throw new BackendError(`${loaded.reason}. To build it: \`npm run build:cuda\` (needs nvcc, the CUDA toolkit, and cmake)`);
  }
  return loaded.addon as NativeCudaAddon;
}

/** Rethrows the addon's out-of-memory and no-device errors as BackendError (others unchanged). */
function rethrow(err: unknown): never {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_MYELIN_CUDA_OOM' || code === 'ERR_MYELIN_CUDA_NO_DEVICE') {
    const e = new BackendError((err as Error).message);
    (e as BackendError & { code: unknown }).code = code;
    throw e;
  }
  throw err;
}

/** How long `waitForStream` polls at every turn of the event loop before it polls once a millisecond (ms). */
const SPIN_MS = 5;

/**
 * Resolves once the stream has run everything enqueued before the call, polling a stream mark between turns of the
 * event loop instead of blocking the JavaScript thread: at every turn for the first SPIN_MS (a timer's 1 ms
 * granularity would add up to a millisecond to every short wait: 30 us per step of a 32-step epoch), then every
 * millisecond.
 */
async function waitForStream(addon: NativeCudaAddon): Promise<void> {
  const mark = addon.markStream();
  const start = performance.now();
  while (!addon.markReached(mark)) {
    const spin = performance.now() - start < SPIN_MS;
    await new Promise<void>((resolve) => (spin ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
}

/**
 * Creates the cuda backend: loads the flavour and initialises it on a GPU.
 * @throws BackendError when the flavour is not built, no CUDA device is present ("no CUDA device:
 *   cudaGetDeviceCount returned ..."), the GPU is older than compute capability 8.0, or it cannot run kernels.
 */
export function createCudaBackend(options: CudaBackendOptions = {}): CudaBackendResult {
  const addon = loadCudaFlavour();
  const envCublas = process.env.MYELIN_CUBLAS;
  const initOptions: NativeCudaInitOptions = {
    tf32: options.tf32 ?? envFlag('MYELIN_TF32') ?? false,
    cublas: options.cublas ?? (envCublas !== undefined && envCublas !== '' ? envCublas : undefined),
    device: options.device ?? envDevice(),
  };
  let native: NativeCudaInfo;
  try {
    native = addon.init(initOptions);
  } catch (err) {
    throw new BackendError((err as Error).message.replace(/^init: /, ''));
  }
  // The addon keeps one cuBLAS configuration; a backend re-applies its own before GEMMs when another
  // backend created in this process changed it (as the cpu backend does with its BLAS choice).
  const activate = configActivator(cudaConfig, JSON.stringify(initOptions), () => addon.init(initOptions));

  const backend: Backend<NativeCudaBuffer> = {
    name: 'cuda',
    alloc: (size) => {
      try { return addon.alloc(size); } catch (err) { return rethrow(err); }
    },
    upload: (data) => {
      try { return addon.upload(data); } catch (err) { return rethrow(err); }
    },
    download: (buf) => addon.download(buf),
    free: (buf) => addon.free(buf),
    fill: (out, value, offset = 0, length) => addon.fill(out, value, offset, length ?? addon.length(out) - offset),
    // Compiled replays are CUDA graphs: the calls are captured while they replay, then launched at once.
    compileCalls: (_calls, replayAll) => {
      activate();  // GEMM settings are applied before the capture, not inside it
      addon.graphBegin();
      try {
        replayAll();
      } catch {
        addon.graphEnd();
        return null;
      }
      return addon.graphEnd();
    },
    runCompiled: (graph) => addon.graphLaunch(graph as NativeCudaGraph),
    releaseCompiled: (graph) => addon.graphRelease(graph as NativeCudaGraph),
    runTrainingSteps: nativeTrainingSteps(addon, activate),
    settleAsync: () => waitForStream(addon),
    ...nativeKernelMethods(addon, activate),
  };

  const cublas = native.cublas.loaded
    ? `${native.cublas.path}${native.cublas.version !== null ? ` (version ${native.cublas.version})` : ''}`
    : 'builtin tiled kernel';
  return {
    backend: withDispatch(backend),
    native,
    info: {
      backend: 'cuda',
      device: `${native.device} (compute capability ${native.computeCapability})`,
      details: {
        gpu: native.device,
        computeCapability: native.computeCapability,
        memoryBytes: native.memoryBytes,
        gemm: native.gemm,
        denseEpilogue: native.cublasLt !== null
          ? `cuBLASLt bias epilogue for linear layers${native.cublasLtRelu ? ' and ReLU layers' : ''} (${native.cublasLt})`
          : 'separate pass after the GEMM',
        cublas,
        cublasTried: native.cublas.tried,
        tf32: native.tf32 ? 'on' : 'off',
        runtimeVersion: native.runtimeVersion,
        driverVersion: native.driverVersion,
      },
    },
  };
}
