/**
 * The one place that picks the backend. `auto` (the default) takes cuda when its addon flavour loads and
 * sees a GPU, else cpu (native addon on a BLAS), else the pure-TypeScript reference backend.
 * `MYELIN_BACKEND=cuda|cpu|reference` or `setBackend(name)` force one; a forced backend that cannot run
 * throws `BackendError` with the reason, never falls back silently.
 */
import { BackendError, ValueError, describe } from '../errors';
import type { Backend, BackendName } from './backend';
import { warnReferenceFallback } from './fallback-warning';

/** What `backendInfo()` reports. */
export interface BackendInfo {
  /** The backend in use. */
  backend: BackendName;
  /** How it was chosen: 'auto', 'MYELIN_BACKEND' or 'setBackend'. */
  chosenBy: 'auto' | 'MYELIN_BACKEND' | 'setBackend';
  /** The processor or GPU that runs the kernels. */
  device: string;
  /** CPU backend: the BLAS library and its path ('builtin' with a null path when none was found). */
  blas?: { library: string; path: string | null };
  /** CPU backend: the BLAS files tried, in order, with the outcome. */
  blasTried?: string[];
  /** Threads used by the kernels (cpu). */
  threads?: number;
  /** SIMD level of the built-in CPU kernels. */
  simd?: string;
  /** Extra facts a backend reports (cuda: compute capability, cuBLAS file and version...). */
  details?: Record<string, unknown>;
  /** Every backend that was considered and not chosen, with the reason. */
  tried: { backend: BackendName; reason: string }[];
}

/** Options of `setBackend`. */
export interface BackendOptions {
  /** CPU: a BLAS library path, or 'builtin' for the own GEMM (default: MYELIN_BLAS, else search). */
  blas?: string;
  /** CPU: cap on kernel threads (default: MYELIN_NUM_THREADS, else all cores). */
  threads?: number;
  /**
   * CUDA: let cuBLAS use TF32 tensor-core math in GEMMs (inputs rounded to a 10-bit mantissa, about 1e-3
   * relative error; several times faster on large layers). Default: `MYELIN_TF32=1`, else false (exact float32).
   */
  tf32?: boolean;
  /** CUDA: a cuBLAS library path, or 'builtin' for the own tiled GEMM (default: MYELIN_CUBLAS, else search). */
  cublas?: string;
  /** CUDA: index of the GPU to use (default: MYELIN_CUDA_DEVICE, else 0). */
  device?: number;
}

interface Loaded {
  backend: Backend;
  info: Omit<BackendInfo, 'chosenBy' | 'tried'>;
}

const NAMES: readonly BackendName[] = ['cuda', 'cpu', 'reference'];
let active: { backend: Backend; info: BackendInfo } | null = null;

/** Loads one backend or throws with the reason it cannot run. */
function load(name: BackendName, options: BackendOptions): Loaded {
  if (name === 'reference') {
    const { createReferenceBackend } = require('./reference') as typeof import('./reference');
    return { backend: createReferenceBackend(), info: { backend: 'reference', device: 'JavaScript (float64 math, single thread)' } };
  }
  if (name === 'cpu') {
    const { createCpuBackend } = require('./cpu') as typeof import('./cpu');
    const { backend, info } = createCpuBackend(options);
    return {
      backend,
      info: { backend: 'cpu', device: `${info.device} (${info.threads} threads)`, blas: info.blas, blasTried: info.tried, threads: info.threads, simd: info.simd },
    };
  }
  let cuda: { createCudaBackend?: (o: BackendOptions) => Loaded };
  try {
    cuda = require('./cuda');
  } catch (err) {
    throw new BackendError(`the cuda backend is not part of this build (${(err as Error).message})`);
  }
  if (!cuda.createCudaBackend) throw new BackendError('the cuda backend module has no createCudaBackend');
  return cuda.createCudaBackend(options);
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Chooses the backend: a name forces it; 'auto' tries cuda, cpu, reference in that order.
 * Tensors made on the previous backend cannot be mixed with tensors of the new one.
 */
export function setBackend(name: BackendName | 'auto' = 'auto', options: BackendOptions = {}): BackendInfo {
  return choose(name, options, 'setBackend');
}

function choose(name: BackendName | 'auto', options: BackendOptions, chosenBy: BackendInfo['chosenBy']): BackendInfo {
  if (name !== 'auto' && !NAMES.includes(name)) {
    throw new ValueError(`backend must be one of 'auto', 'cuda', 'cpu', 'reference', got ${describe(name)}`);
  }
  const tried: BackendInfo['tried'] = [];
  const candidates = name === 'auto' ? NAMES : [name];
  for (const candidate of candidates) {
    try {
      const loaded = load(candidate, options);
      for (const other of NAMES) {
        if (other !== candidate && !tried.some((t) => t.backend === other)) {
          tried.push({ backend: other, reason: name === 'auto' ? `not needed: ${candidate} was found first` : `not requested: ${chosenBy} asked for ${candidate}` });
        }
      }
      active = { backend: loaded.backend, info: { ...loaded.info, chosenBy: name === 'auto' ? 'auto' : chosenBy, tried } };
      if (name === 'auto' && candidate === 'reference') warnReferenceFallback(tried.filter((t) => t.backend !== 'reference'));
      return active.info;
    } catch (err) {
      if (name !== 'auto') {
        throw new BackendError(`backend '${candidate}' was requested (${chosenBy}) but cannot run: ${reasonOf(err)}`);
      }
      tried.push({ backend: candidate, reason: reasonOf(err) });
    }
  }
  throw new BackendError(`no backend could be loaded: ${tried.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`);
}

/** The active backend, chosen on first use from MYELIN_BACKEND or 'auto'. */
export function getBackend(): Backend {
  if (active === null) initFromEnvironment();
  return active!.backend;
}

/** What backend runs, on what device, with which BLAS, and why the others were not chosen. */
export function backendInfo(): BackendInfo {
  if (active === null) initFromEnvironment();
  return active!.info;
}

function initFromEnvironment(): void {
  const env = process.env.MYELIN_BACKEND;
  if (env !== undefined && env !== '' && env !== 'auto') {
    if (!NAMES.includes(env as BackendName)) {
      throw new ValueError(`MYELIN_BACKEND must be one of auto, cuda, cpu, reference, got ${describe(env)}`);
    }
    choose(env as BackendName, {}, 'MYELIN_BACKEND');
  } else {
    choose('auto', {}, 'auto');
  }
}
