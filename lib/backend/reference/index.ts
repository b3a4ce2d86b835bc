/**
 * The reference backend: plain TypeScript over Float32Array storage, float64 arithmetic inside (GEMM and
 * reductions accumulate in double), results stored as float32. Slow and obviously right: it is the oracle of
 * the conformance suite and the last resort when no native addon loads.
 */
import type { Backend } from '../backend';
import { withDispatch } from '../dispatch';
import { HostBufferPool, hostMemoryMethods } from '../host-pool';
import { KERNEL_NAMES, type KernelMethods } from '../kernel-table';
import * as attention from './attention';
import * as cast from './cast';
import * as conv from './conv';
import * as dataMovement from './data-movement';
import * as dense from './dense';
import * as dropout from './dropout';
import * as elementwise from './elementwise';
import * as embedding from './embedding';
import * as gemm from './gemm';
import * as layerNorm from './layer-norm';
import * as noise from './noise';
import * as optimizers from './optimizers';
import * as pooling from './pooling';
import * as recurrent from './recurrent';
import * as reduce from './reduce';
import * as sigmoidXent from './sigmoid-xent';
import * as softmax from './softmax';

/**
 * The files of the kernel families, named as native/cpu/*.cc and native/cuda/*.cu: each exports kernels of the
 * table under their own names (the compiler checks each export against the table's signature of that name).
 */
const FAMILIES: ReadonlyArray<Record<string, unknown>> = [
  elementwise, reduce, softmax, gemm, dense, dataMovement, optimizers, sigmoidXent, dropout, noise, conv, pooling,
  embedding, layerNorm, attention, recurrent, cast,
] satisfies ReadonlyArray<Partial<KernelMethods<Float32Array>>>;

/** Every kernel of the table, taken from the family file that exports it (withDispatch names any missing one). */
function kernels(): KernelMethods<Float32Array> {
  const out: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const family = FAMILIES.find((f) => typeof f[name] === 'function');
    if (family !== undefined) out[name] = family[name];
  }
  return out as KernelMethods<Float32Array>;
}

/**
 * Creates the pure-TypeScript backend. Buffers are Float32Arrays owned by JavaScript and recycled through a
 * pool: `alloc` takes one (zero-filled unless asked otherwise), `upload` / `download` copy, `free` returns it.
 * Every kernel call passes its dispatch point (lib/backend/dispatch.ts).
 */
export function createReferenceBackend(): Backend<Float32Array> {
  const pool = new HostBufferPool();
  return withDispatch<Float32Array>({ name: 'reference', ...hostMemoryMethods(pool), ...kernels() });
}
