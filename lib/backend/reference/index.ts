/**
 * The reference backend: plain TypeScript over Float32Array storage, float64 arithmetic inside (GEMM and
 * reductions accumulate in double), results stored as float32. Slow and obviously right: it is the oracle of
 * the conformance suite and the last resort when no native addon loads.
 */
import type { Backend } from '../backend';
import { withDispatch } from '../dispatch';
import { HostBufferPool, hostMemoryMethods } from '../host-pool';
import { gemm } from './linalg';
import { copyStrided, gatherRows, scatterAddRows } from './data-movement';
import { binary, fill, unary, unaryGrad } from './elementwise';
import {
  biasActivationGrad, denseForward, sigmoidCrossEntropy, sigmoidCrossEntropyGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad,
} from './fused';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optimizers';
import { reduce, softmax, softmaxGrad } from './reductions';

/**
 * Creates the pure-TypeScript backend. Buffers are Float32Arrays owned by JavaScript and recycled through a
 * pool: `alloc` takes one (zero-filled unless asked otherwise), `upload` / `download` copy, `free` returns it.
 * Every kernel call passes its dispatch point (lib/backend/dispatch.ts).
 */
export function createReferenceBackend(): Backend<Float32Array> {
  const pool = new HostBufferPool();
  return withDispatch<Float32Array>({
    name: 'reference',
    ...hostMemoryMethods(pool),
    fill,
    unary,
    unaryGrad,
    binary,
    reduce,
    softmax,
    softmaxGrad,
    gemm,
    copyStrided,
    gatherRows,
    scatterAddRows,
    sgdStep,
    adamStep,
    adagradStep,
    rmspropStep,
    denseForward,
    biasActivationGrad,
    softmaxCrossEntropy,
    softmaxCrossEntropyGrad,
    sigmoidCrossEntropy,
    sigmoidCrossEntropyGrad,
  });
}
