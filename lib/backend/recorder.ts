/**
 * Recording of backend kernel calls, for replaying a training step without the ops, tape and tidy layers.
 *
 * While `record(backend, fn)` runs `fn`, every kernel call on `backend` runs as usual and is also logged
 * (the method behind the recording hook and its arguments), zero-filled allocations are logged as fills,
 * uploads (and adopted arrays) keep a copy of their data, downloads are noted (a step that reads values on the
 * host cannot be replayed), and freed buffers are retained instead of released, so that the logged calls can
 * run again on the same buffers. Calls a backend method makes on its own backend belong to that method and are
 * not logged apart. The hooks are wrappers installed on the backend object once (see `hooksOf`).
 * Two recordings of consecutive steps that agree call for call (same kernels, same scalar arguments, the
 * same buffers up to renaming, the same uploaded data) describe a step that does not depend on its data
 * other than through its input buffers: that is the test `sameStructure` makes before a replay is trusted.
 */
import type { Backend } from './backend';
import { isInt32Array } from '../tensor/typed-arrays';

/** The Backend methods that compute (everything but memory management). */
const KERNELS = [
  'fill', 'unary', 'unaryGrad', 'binary', 'reduce', 'softmax', 'softmaxGrad', 'gemm', 'copyStrided',
  'gatherRows', 'scatterAddRows', 'sgdStep', 'adamStep', 'adagradStep', 'rmspropStep', 'denseForward',
  'biasActivationGrad', 'softmaxCrossEntropy', 'softmaxCrossEntropyGrad', 'sigmoidCrossEntropy', 'sigmoidCrossEntropyGrad',
  'dropout',
] as const;

type Method = (...args: unknown[]) => unknown;

/** One logged kernel call. */
export interface RecordedCall {
  name: string;
  fn: Method;
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

/**
 * The recording hooks of one backend object: wrappers around its kernel and memory methods, installed once (so
 * that recording does not rewrite the object's methods every time, which cost V8 its inline caches), that log
 * into the active recordings and otherwise only pass the call on.
 */
interface Hooks {
  /** The recordings in progress on this backend, innermost last. */
  active: Recording[];
  /** The installed wrapper of each method. */
  wrappers: Map<string, Method>;
  /** > 0 while a wrapped method runs: calls it makes on the backend itself are part of it, not logged again. */
  depth: number;
}

const HOOKS = new WeakMap<object, Hooks>();

/** The wrapper of `name` around `inner` (the method found on the backend): logs while recordings are active. */
function hookOf(name: string, inner: Method, backend: Backend, hooks: Hooks): Method {
  const target = backend as unknown as Record<string, Method>;
  // A zero-filled allocation is logged as a fill, which replays through the method behind fill's wrapper.
  const fill = (): Method => innerOf.get(target.fill) ?? target.fill;
  const wrapper = (...args: unknown[]): unknown => {
    if (hooks.active.length === 0) return inner.apply(backend, args);  // no recording: just the call
    const logging = hooks.depth === 0;
    if (logging) {
      if (name === 'free') {
        hooks.active[hooks.active.length - 1].retained.push(args[0]);  // kept for the calls that use it
        return undefined;
      }
      if (name === 'download') for (const r of hooks.active) r.readBack = true;
      if (name === 'upload' || name === 'adopt') for (const r of hooks.active) r.uploads.push(Float32Array.from(args[0] as Float32Array));
    }
    hooks.depth++;
    let result: unknown;
    try {
      result = inner.apply(backend, args);
    } finally {
      hooks.depth--;
    }
    if (logging) {
      if (name === 'alloc') {
        const [size, zeroed = true] = args as [number, boolean | undefined];
        if (zeroed !== false && size > 0) for (const r of hooks.active) r.calls.push({ name: 'fill', fn: fill(), args: [result, 0, 0, size] });
      } else if (RECORDED.has(name)) {
        for (const r of hooks.active) r.calls.push({ name, fn: inner, args });
      }
    }
    return result;
  };
  innerOf.set(wrapper, inner);
  return wrapper;
}

/** The method each wrapper passes calls to. */
const innerOf = new WeakMap<Method, Method>();
const RECORDED = new Set<string>(KERNELS);
const HOOKED = [...KERNELS, 'alloc', 'upload', 'adopt', 'download', 'free'];

/** The hooks of `backend`, installing a wrapper wherever a method is not (or no longer) the installed one. */
function hooksOf(backend: Backend): Hooks {
  let hooks = HOOKS.get(backend);
  if (hooks === undefined) {
    hooks = { active: [], wrappers: new Map(), depth: 0 };
    HOOKS.set(backend, hooks);
  }
  const target = backend as unknown as Record<string, Method>;
  for (const name of HOOKED) {
    const current = target[name];
    if (current === undefined || hooks.wrappers.get(name) === current) continue;
    const wrapper = hookOf(name, current, backend, hooks);
    hooks.wrappers.set(name, wrapper);
    target[name] = wrapper;
  }
  return hooks;
}

/** Runs `fn` while logging the kernel calls it makes on `backend` (see the file comment). */
export function record<T>(backend: Backend, fn: () => T): { result: T; recording: Recording } {
  const hooks = hooksOf(backend);
  const recording: Recording = { backend, calls: [], uploads: [], retained: [], readBack: false };
  hooks.active.push(recording);
  try {
    return { result: fn(), recording };
  } finally {
    hooks.active.splice(hooks.active.lastIndexOf(recording), 1);
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
