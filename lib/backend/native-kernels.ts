/**
 * The Backend kernel methods of a native flavour (cpu or cuda): each translates kernel names to the ids of
 * lib/backend/kernel-ids.ts and calls the addon entry of the same name. Memory management stays with each
 * flavour's adapter (lib/backend/cpu.ts, lib/backend/cuda.ts).
 */
import type { NativeKernels, NativeTrainSteps } from '../native/addon-types';
import type { Backend, TrainingStepsPlan } from './backend';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from './kernel-ids';

/** Every Backend method that computes (all but the memory functions and the name). */
export type KernelMethods<S> = Omit<Backend<S>, 'name' | 'alloc' | 'upload' | 'adopt' | 'download' | 'free' | 'fill'>;

/**
 * The kernel methods over `addon`. `activate` runs before the calls that depend on the addon's one global
 * configuration (its BLAS or cuBLAS choice: gemm and denseForward), so backends created with different
 * options can coexist in one process.
 */
export function nativeKernelMethods<S>(addon: NativeKernels<S>, activate: () => void): KernelMethods<S> {
  return {
    unary: (op, x, out, n, param) => addon.unary(UNARY_OPS[op], x, out, n, param),
    unaryGrad: (op, x, y, dy, dx, n, param) => addon.unaryGrad(UNARY_OPS[op], x, y, dy, dx, n, param),
    binary: (op, a, aStrides, b, bStrides, out, outShape) =>
      addon.binary(BINARY_OPS[op], a, aStrides, b, bStrides, out, outShape),
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
    biasActivationGrad: (activation, z, y, dy, dz, dbias, m, n, param) =>
      addon.biasActivationGrad(UNARY_OPS[activation], z, y, dy, dz, dbias, m, n, param),
    softmaxCrossEntropy: (logits, targets, probs, loss, rows, cols, sparse) =>
      addon.softmaxCrossEntropy(logits, targets, probs, loss, rows, cols, sparse),
    softmaxCrossEntropyGrad: (probs, targets, dLoss, dLogits, rows, cols, sparse, dLossStride, dLossScale) =>
      addon.softmaxCrossEntropyGrad(probs, targets, dLoss, dLogits, rows, cols, sparse, dLossStride, dLossScale),
    sigmoidCrossEntropy: (logits, targets, loss, n) => addon.sigmoidCrossEntropy(logits, targets, loss, n),
    sigmoidCrossEntropyGrad: (logits, targets, dLoss, dLogits, n, dLossStride, dLossScale) =>
      addon.sigmoidCrossEntropyGrad(logits, targets, dLoss, dLogits, n, dLossStride, dLossScale),
    dropout: (x, y, mask, state, n, rate, key0, key1) => addon.dropout(x, y, mask, state, n, rate, key0, key1),
  };
}

/** Which configuration an addon flavour holds now: one per flavour, shared by its backends. */
export interface AddonConfigSlot {
  active: string | undefined;
}

/**
 * The `activate` of a backend over an addon that keeps one global configuration (BLAS or cuBLAS choice):
 * re-applies this backend's `config` through `apply` when another backend of the flavour changed it, so
 * backends created with different options can coexist. The configuration counts as applied now.
 */
export function configActivator(slot: AddonConfigSlot, config: string, apply: () => void): () => void {
  slot.active = config;
  return () => {
    if (slot.active !== config) {
      apply();
      slot.active = config;
    }
  };
}

/** Backend.runTrainingSteps over an addon's trainSteps entry, after `activate`. */
export function nativeTrainingSteps<S, P>(addon: NativeTrainSteps<S, P>, activate: () => void): (plan: TrainingStepsPlan<S>) => void {
  return (p) => {
    activate();
    addon.trainSteps(p.compiled as P, [p.optimizerCall.name, ...p.optimizerCall.args], p.lrs, p.firstStep,
      p.x, p.xIn, p.y, p.yIn, p.indices, p.loss, p.losses, p.lossOffset);
  };
}

/** Kernel methods whose addon entry takes the same arguments (no op name to translate, no defaults). */
const PASS_THROUGH = new Set([
  'softmax', 'softmaxGrad', 'gemm', 'copyStrided', 'gatherRows', 'scatterAddRows', 'softmaxCrossEntropy',
  'softmaxCrossEntropyGrad', 'sigmoidCrossEntropy', 'sigmoidCrossEntropyGrad', 'dropout',
]);

/**
 * A recorded Backend kernel call as the addon entry it becomes: [entryName, ...arguments], with op names
 * translated to ids and `fill`'s defaults filled in (`length` gives a buffer's size). null for calls a
 * compiled program does not hold (the optimizer steps).
 */
export function nativeCall(name: string, args: readonly unknown[], length: (buf: unknown) => number): unknown[] | null {
  const a = args as unknown[];
  switch (name) {
    case 'fill': {
      const offset = (a[2] as number | undefined) ?? 0;
      return ['fill', a[0], a[1], offset, (a[3] as number | undefined) ?? length(a[0]) - offset];
    }
    case 'unary':
    case 'unaryGrad':
    case 'biasActivationGrad':
      return [name, UNARY_OPS[a[0] as keyof typeof UNARY_OPS], ...a.slice(1)];
    case 'binary':
      return [name, BINARY_OPS[a[0] as keyof typeof BINARY_OPS], ...a.slice(1)];
    case 'reduce':
      return [name, REDUCE_OPS[a[0] as keyof typeof REDUCE_OPS], ...a.slice(1)];
    case 'denseForward':
      return [name, ...a.slice(0, 8), UNARY_OPS[a[8] as keyof typeof UNARY_OPS], a[9]];
    default:
      return PASS_THROUGH.has(name) ? [name, ...a] : null;
  }
}
