/**
 * The reference backend: plain TypeScript over Float32Array storage, float64 arithmetic inside (GEMM and
 * reductions accumulate in double), results stored as float32. Slow and obviously right: it is the oracle of
 * the conformance suite and the last resort when no native addon loads.
 */
import type { Backend } from '../backend';
import { gemm } from './linalg';
import { copyStrided, gatherRows, scatterAddRows } from './data-movement';
import { binary, fill, unary, unaryGrad } from './elementwise';
import { denseForward, softmaxCrossEntropy, softmaxCrossEntropyGrad } from './fused';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optimizers';
import { reduce, softmax, softmaxGrad } from './reductions';

/**
 * Creates the pure-TypeScript backend. Buffers are Float32Arrays owned by JavaScript: `alloc` is
 * `new Float32Array(size)`, `upload` / `download` copy, `free` does nothing (the garbage collector owns them).
 */
export function createReferenceBackend(): Backend<Float32Array> {
  return {
    name: 'reference',
    alloc: (size) => new Float32Array(size),
    upload: (data) => Float32Array.from(data),
    download: (buf) => Float32Array.from(buf),
    free: () => undefined,
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
    softmaxCrossEntropy,
    softmaxCrossEntropyGrad,
  };
}
