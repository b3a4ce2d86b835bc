/**
 * Runs one kernel call on the reference and on every backend under test with the same host inputs, and compares
 * the buffers the call wrote. Works for any storage type: inputs go through `upload`, results through `download`.
 */
import type { Backend } from '../../lib/backend/backend';
import { BACKENDS, REFERENCE, type BackendEntry } from './backends';
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
 * Runs `body` for every backend under test, and only then fails, with the messages of every backend that
 * failed (so a bug in one backend does not hide the state of the others).
 */
export function forEachBackend(body: (entry: BackendEntry) => void): void {
  const failures: string[] = [];
  for (const entry of BACKENDS) {
    try {
      body(entry);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

/**
 * Runs `call` once on the reference, then on every backend under test with the same inputs, and compares every
 * buffer named in `check` with its tolerance. Returns the reference results (for follow-up calls and for
 * checks of the reference against figures it did not compute).
 */
export function checkAgainstReference<K extends string>(host: HostBuffers<K>,
  call: (be: Backend<unknown>, b: Record<K, unknown>) => void,
  check: Partial<Record<K, ToleranceSpec>>, what: string): HostBuffers<K> {
  const want = runOn(REFERENCE as Backend<unknown>, host, (b) => call(REFERENCE as Backend<unknown>, b));
  forEachBackend((entry) => {
    const got = runOn(entry.backend, host, (b) => call(entry.backend, b));
    for (const k of Object.keys(check) as K[]) {
      const spec = check[k]!;
      expectClose(got[k], want[k], typeof spec === 'function' ? spec(want[k]) : spec, `${entry.name} ${what}: buffer ${k}`);
    }
  });
  return want;
}

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
