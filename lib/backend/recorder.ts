/**
 * Recording of backend kernel calls, for replaying a training step without the ops, tape and tidy layers.
 *
 * While `record(backend, fn)` runs `fn`, a listener on the backend's dispatch point (lib/backend/dispatch.ts)
 * sees every kernel call, which runs as usual and is also logged (the implementation that ran it and its
 * arguments); zero-filled allocations are logged as fills, uploads (and adopted arrays) keep a copy of their data,
 * downloads are noted (a step that reads values on the host cannot be replayed), and freed buffers are retained
 * instead of released, so that the logged calls can run again on the same buffers. Calls a backend function
 * makes on its own backend belong to that function and are not logged apart. The backend's methods are never
 * touched: recording adds a listener and removes it.
 * Two recordings of consecutive steps that agree call for call (same kernels, same scalar arguments, the
 * same buffers up to renaming, the same uploaded data) describe a step that does not depend on its data
 * other than through its input buffers: that is the test `sameStructure` makes before a replay is trusted.
 */
import { BackendError } from '../errors';
import type { Backend } from './backend';
import { dispatcherOf, type DispatchListener, type Impl } from './dispatch';
export { CaptureRefused } from './dispatch';
import { isInt32Array } from '../tensor/typed-arrays';

/** One logged kernel call. */
export interface RecordedCall {
  name: string;
  /** The backend's implementation of the kernel: `fn(...args)` runs the call again. */
  fn: Impl;
  args: unknown[];
}

/** What `record` saw. */
export interface Recording {
  backend: Backend;
  calls: RecordedCall[];
  /** Copies of the data of every upload, in order. */
  uploads: Float32Array[];
  /** Buffers freed while recording; the calls may use them, so they are released only by `discard`. */
  retained: unknown[];
  /** True when the recorded code read values back to the host (then it must not be replayed). */
  readBack: boolean;
}

/** The listener that fills `recording`; a zero-filled allocation is logged as a call of `fill`. */
function listenerOf(recording: Recording, fill: Impl): DispatchListener {
  return {
    kernel: (name, fn, args) => { recording.calls.push({ name, fn, args }); },
    alloc: (buf, size, zeroed) => { if (zeroed && size > 0) recording.calls.push({ name: 'fill', fn: fill, args: [buf, 0, 0, size] }); },
    upload: (data) => { recording.uploads.push(Float32Array.from(data)); },
    download: () => { recording.readBack = true; },
    free: (buf) => { recording.retained.push(buf); return true; },
  };
}

/**
 * Runs `fn` while logging the kernel calls it makes on `backend` (see the file comment).
 * @throws BackendError when `backend` was not made by `withDispatch` (every backend of lib/backend is)
 */
export function record<T>(backend: Backend, fn: () => T): { result: T; recording: Recording } {
  const dispatcher = dispatcherOf(backend);
  if (dispatcher === undefined) throw new BackendError(`record: backend '${backend.name}' has no dispatch point (make it with withDispatch)`);
  const recording: Recording = { backend, calls: [], uploads: [], retained: [], readBack: false };
  const stop = dispatcher.listen(listenerOf(recording, dispatcher.impl.fill));
  try {
    return { result: fn(), recording };
  } catch (err) {
    stop();
    discard(recording);  // the buffers freed meanwhile are released now: nothing will replay them
    throw err;
  } finally {
    stop();
  }
}

/**
 * As `record`, but the kernel calls are only logged, never run: the recording of code whose results are computed
 * later, by running the recording (compiled, off the JavaScript thread). Allocations, uploads and frees happen as
 * in `record`. The code must not read values back: a download throws {@link CaptureRefused} (then nothing of the
 * recording is kept and the caller runs the code for real). Tensors `fn` returns hold no values until the
 * recording runs.
 */
export function capture<T>(backend: Backend, fn: () => T): { result: T; recording: Recording } {
  const dispatcher = dispatcherOf(backend);
  if (dispatcher === undefined) throw new BackendError(`capture: backend '${backend.name}' has no dispatch point (make it with withDispatch)`);
  dispatcher.capturing++;
  try {
    return record(backend, fn);
  } finally {
    dispatcher.capturing--;
  }
}

/** Runs the logged calls again, in order, on the buffers they were recorded with. */
export function replay(recording: Recording): void {
  const { backend, calls } = recording;
  for (let i = 0; i < calls.length; i++) calls[i].fn.apply(backend, calls[i].args);
}

/** Releases the buffers the recording retained. The recording must not be replayed afterwards. */
export function discard(recording: Recording): void {
  const released = new Set<unknown>();
  for (const buf of recording.retained) {
    if (released.has(buf)) continue;
    released.add(buf);
    recording.backend.free(buf);
  }
  recording.retained.length = 0;
  recording.calls.length = 0;
}

/** True for arguments that are backend buffers (as opposed to numbers, flags, shapes and index arrays). */
function isBuffer(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isInt32Array(v);
}

/** Buffer correspondence between two recordings: each buffer of one maps to exactly one of the other. */
class Renaming {
  private readonly ab = new Map<unknown, unknown>();
  private readonly ba = new Map<unknown, unknown>();

  /** Whether `x` (first recording) and `y` (second) can be the same buffer under the renaming so far. */
  pair(x: unknown, y: unknown): boolean {
    const seenX = this.ab.get(x);
    const seenY = this.ba.get(y);
    if (seenX === undefined && seenY === undefined) {
      this.ab.set(x, y);
      this.ba.set(y, x);
      return true;
    }
    return seenX === y && seenY === x;
  }
}

/** Whether two arguments agree: buffers under the renaming, everything else by value. */
function sameArgument(x: unknown, y: unknown, names: Renaming): boolean {
  if (x === null || x === undefined || typeof x !== 'object') return Object.is(x, y);
  if (y === null || y === undefined || typeof y !== 'object') return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameArgument(x[i], y[i], names)) return false;
    return true;
  }
  if (isInt32Array(x)) {
    if (!isInt32Array(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  return isBuffer(y) && names.pair(x, y);  // any other object is a backend buffer
}

/** A short description of an argument for messages. */
function describeArgument(v: unknown): string {
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(describeArgument).join(',')}]`.slice(0, 40);
  if (isInt32Array(v)) return `Int32Array(${v.length})`;
  return 'buffer';
}

/**
 * True when both recordings made the same kernel calls with the same scalar arguments on buffers that
 * correspond one to one, uploaded the same data, and neither read values back to the host.
 */
export function sameStructure(a: Recording, b: Recording): boolean {
  const why = difference(a, b);
  if (why !== null && process.env.MYELIN_DEBUG_REPLAY === '1') console.error(`step replay refused: ${why}`);
  return why === null;
}

/** The first difference between two recordings, or null when they agree (see `sameStructure`). */
export function difference(a: Recording, b: Recording): string | null {
  if (a.readBack || b.readBack) return 'the step reads values back to the host';
  if (a.calls.length !== b.calls.length) return `${a.calls.length} vs ${b.calls.length} kernel calls`;
  if (a.uploads.length !== b.uploads.length) return `${a.uploads.length} vs ${b.uploads.length} uploads`;
  for (let i = 0; i < a.uploads.length; i++) {
    const x = a.uploads[i];
    const y = b.uploads[i];
    if (x.length !== y.length) return `upload ${i} has ${x.length} vs ${y.length} values`;
    for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) return `upload ${i} differs at ${j}`;
  }
  const names = new Renaming();
  for (let i = 0; i < a.calls.length; i++) {
    const ca = a.calls[i];
    const cb = b.calls[i];
    if (ca.name !== cb.name || ca.args.length !== cb.args.length) return `call ${i}: ${ca.name} vs ${cb.name}`;
    for (let j = 0; j < ca.args.length; j++) {
      if (!sameArgument(ca.args[j], cb.args[j], names)) {
        return `call ${i} (${ca.name}) argument ${j}: ${describeArgument(ca.args[j])} vs ${describeArgument(cb.args[j])}`;
      }
    }
  }
  return null;
}
