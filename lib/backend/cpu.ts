/**
 * The `cpu` backend: an adapter from the native addon's CPU flavour to the {@link Backend} interface.
 * Storage is a plain Float32Array owned by JavaScript, recycled through a pool; every kernel is one native
 * call with no allocation.
 */
import { ValueError, describe } from '../errors';
import type { NativeCpuAddon, NativeCpuInfo } from '../native/addon-types';
import { loadCpuAddon } from '../native/loader';
import type { Backend } from './backend';
import { HostBufferPool } from './host-pool';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from './kernel-ids';

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
let activeConfig: string | undefined;

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
  const config = JSON.stringify(initOptions);
  const info = addon.init(initOptions);
  activeConfig = config;
  const activate = (): void => {
    if (activeConfig !== config) {
      addon.init(initOptions);
      activeConfig = config;
    }
  };

  const pool = new HostBufferPool();
  const backend: Backend<Float32Array> = {
    name: 'cpu',
    alloc: (size, zeroed = true) => pool.take(size, zeroed),
    upload: (data) => {
      const buf = pool.take(data.length, false);
      buf.set(data);
      return buf;
    },
    adopt: (data) => data,
    download: (buf) => buf.slice(),
    free: (buf) => pool.give(buf),
    fill: (out, value, offset = 0, length = out.length - offset) => addon.fill(out, value, offset, length),
    unary: (op, x, out, n, param) => addon.unary(UNARY_OPS[op], x, out, n, param),
    unaryGrad: (op, x, y, dy, dx, n, param) => addon.unaryGrad(UNARY_OPS[op], x, y, dy, dx, n, param),
    binary: (op, a, aStrides, b, bStrides, out, outShape) => {
      if (outShape.length === 1 && aStrides[0] === 1 && bStrides[0] === 1) {
        addon.binarySame(BINARY_OPS[op], a, b, out, outShape[0]);
      } else {
        addon.binary(BINARY_OPS[op], a, aStrides, b, bStrides, out, outShape);
      }
    },
    reduce: (op, x, out, outer, mid, inner) => addon.reduce(REDUCE_OPS[op], x, out, outer, mid, inner),
    softmax: (x, out, rows, cols, log) => addon.softmax(x, out, rows, cols, log),
    softmaxGrad: (y, dy, dx, rows, cols, log) => addon.softmaxGrad(y, dy, dx, rows, cols, log),
    gemm: (a, b, out, m, n, k, transA, transB, alpha, beta) => {
      activate();
      addon.gemm(a, b, out, m, n, k, transA, transB, alpha, beta);
    },
    copyStrided: (x, xOffset, xStrides, out, outOffset, outStrides, shape, accumulate) =>
      addon.copyStrided(x, xOffset, xStrides, out, outOffset, outStrides, shape, accumulate),
    gatherRows: (x, indices, out, rowSize) => addon.gatherRows(x, indices, out, rowSize),
    scatterAddRows: (dy, indices, dx, rowSize) => addon.scatterAddRows(dy, indices, dx, rowSize),
    sgdStep: (params, grads, velocity, lr, momentum, nesterov, weightDecay) =>
      addon.sgdStep(params, grads, velocity, lr, momentum, nesterov, weightDecay),
    adamStep: (params, grads, m, v, vmax, lr, beta1, beta2, epsilon, step, weightDecay, decoupled) =>
      addon.adamStep(params, grads, m, v, vmax, lr, beta1, beta2, epsilon, step, weightDecay, decoupled),
    adagradStep: (params, grads, accum, lr, epsilon, weightDecay) =>
      addon.adagradStep(params, grads, accum, lr, epsilon, weightDecay),
    rmspropStep: (params, grads, sq, meanGrad, momentumBuf, lr, rho, momentum, epsilon, centered, weightDecay) =>
      addon.rmspropStep(params, grads, sq, meanGrad, momentumBuf, lr, rho, momentum, epsilon, centered, weightDecay),
    denseForward: (x, w, bias, z, out, m, n, k, activation, param) => {
      activate();
      addon.denseForward(x, w, bias, z, out, m, n, k, UNARY_OPS[activation], param);
    },
    softmaxCrossEntropy: (logits, targets, probs, loss, rows, cols, sparse) =>
      addon.softmaxCrossEntropy(logits, targets, probs, loss, rows, cols, sparse),
    softmaxCrossEntropyGrad: (probs, targets, dLoss, dLogits, rows, cols, sparse) =>
      addon.softmaxCrossEntropyGrad(probs, targets, dLoss, dLogits, rows, cols, sparse),
  };
  return { backend, info };
}
