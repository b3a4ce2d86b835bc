/**
 * Runs one kernel call on a backend and on the reference with the same host inputs, and compares the
 * buffers the call wrote. Works for any storage type: inputs go through `upload`, results through `download`.
 */
import type { Backend } from '../../lib/backend/backend';
import { REFERENCE, type BackendEntry } from './backends';
import { expectClose, type Tolerance } from './compare';

/** The sizes every kernel is exercised at (0 is added where the kernel allows an empty input). */
export const SIZES = [1, 7, 129, 1000] as const;

/** Named host arrays; every one is uploaded before the call and downloaded after it (in-place kernels included). */
export type HostBuffers<K extends string> = Record<K, Float32Array>;

/** Uploads copies of `host`, runs `call` with the device buffers, downloads every buffer and frees them. */
export function runOn<K extends string>(be: Backend<unknown>, host: HostBuffers<K>,
                                        call: (b: Record<K, unknown>) => void): HostBuffers<K> {
  const keys = Object.keys(host) as K[];
  const dev = {} as Record<K, unknown>;
  for (const k of keys) dev[k] = be.upload(host[k].slice());
  try {
    call(dev);
    const out = {} as HostBuffers<K>;
    for (const k of keys) out[k] = be.download(dev[k]);
    return out;
  } finally {
    for (const k of keys) be.free(dev[k]);
  }
}

/** A fixed tolerance, or one computed from the reference's result for that buffer (e.g. scaled by its magnitude). */
export type ToleranceSpec = Tolerance | ((want: Float32Array) => Tolerance);

/**
 * Runs `call` on the reference and on `entry`'s backend with the same inputs and compares every buffer named
 * in `check` with its tolerance. Returns the reference results (for follow-up calls).
 */
export function checkAgainstReference<K extends string>(entry: BackendEntry, host: HostBuffers<K>,
                                                        call: (be: Backend<unknown>, b: Record<K, unknown>) => void,
                                                        check: Partial<Record<K, ToleranceSpec>>, what: string): HostBuffers<K> {
  const want = runOn(REFERENCE as Backend<unknown>, host, (b) => call(REFERENCE as Backend<unknown>, b));
  // The reference compared with itself only needs to run (no crash, right sizes); skip the second run.
  const got = entry.backend === REFERENCE ? want : runOn(entry.backend, host, (b) => call(entry.backend, b));
  for (const k of Object.keys(check) as K[]) {
    const spec = check[k]!;
    expectClose(got[k], want[k], typeof spec === 'function' ? spec(want[k]) : spec, `${entry.name} ${what}: buffer ${k}`);
  }
  return want;
}

/** Machine epsilon of float32 (2^-23): one ulp at 1. */
export const EPS32 = 2 ** -23;

/** The largest |x| in the arrays (1 when all are empty), used to scale accumulation tolerances. */
export function maxAbs(...arrays: Float32Array[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m === 0 ? 1 : m;
}

/** Element strides of a row-major array of `shape` as seen from `outShape` (right-aligned, 0 where broadcast). */
export function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = outShape.length - shape.length + d;
    strides[od] = shape[d] === 1 && outShape[od] !== 1 ? 0 : s;
    s *= shape[d];
  }
  return strides;
}

/** Row-major contiguous strides of `shape`. */
export function contiguousStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  return strides;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
