/**
 * The dispatch point of a backend. `withDispatch(impl)` makes the Backend object the rest of the library
 * uses: each kernel of the table (lib/backend/kernel-table.ts) and each memory function becomes a small
 * funnel of the kernel's arity (lib/backend/fixed-arity.ts), built once when the backend is created, that calls
 * the implementation directly while nobody listens and otherwise passes the call to its {@link Dispatcher}, the
 * one place where listeners (the recorder of lib/backend/recorder.ts) see every call. Nothing is patched later:
 * listening adds a listener to a list. Optional arguments left out reach the implementation as undefined.
 *
 * Calls an implementation makes on its own dispatched backend while it runs belong to it: listeners see the
 * outer call only.
 */
import { BackendError } from '../errors';
import type { Backend } from './backend';
import { funnel, type AnyFn } from './fixed-arity';
import { KERNELS, KERNEL_NAMES, type KernelName } from './kernel-table';

/** A backend function as it is implemented (the target of a funnel). */
export type Impl = AnyFn;

/** The memory functions of a Backend, dispatched like the kernels. */
export const MEMORY_FUNCTIONS = ['alloc', 'upload', 'adopt', 'download', 'free'] as const;

/** The parameters of each memory function (optional ones included). */
const MEMORY_ARITY: Record<typeof MEMORY_FUNCTIONS[number], number> = { alloc: 2, upload: 1, adopt: 1, download: 1, free: 1 };

/** What a listener of a {@link Dispatcher} is told. Every method runs for calls made outside other calls only. */
export interface DispatchListener {
  /** Kernel `name` ran implementation `fn` on `args` (`fn` run again on the same arguments repeats it). */
  kernel(name: KernelName, fn: Impl, args: unknown[]): void;
  /** `alloc(size, zeroed)` returned `buf`. */
  alloc(buf: unknown, size: number, zeroed: boolean): void;
  /** `upload` or `adopt` is about to take `data` (a listener that keeps it must copy it now). */
  upload(data: Float32Array): void;
  /** `download` is about to read a buffer back to the host. */
  download(): void;
  /** `free(buf)` was called: true keeps the buffer allocated (the free does not happen; the listener owns it). */
  free(buf: unknown): boolean;
}

/**
 * Thrown inside a capture (Dispatcher.capturing) when the captured code reads a value back to the host: what it
 * would read was never computed, so the capture cannot go on (lib/backend/recorder.ts `capture`).
 */
export class CaptureRefused extends Error {
  constructor(what: string) {
    super(`capture: the code read values back to the host (${what}); it must run for real`);
    this.name = 'CaptureRefused';
  }
}

/** The dispatch point of one backend: its implementations and its listeners. */
export class Dispatcher {
  /** The listeners, in the order they started listening. */
  readonly listeners: DispatchListener[] = [];
  /**
   * > 0 while a capture runs: kernel calls are told to the listeners but not run (a recording made to be
   * compiled and run later, off the JavaScript thread); a download throws CaptureRefused.
   */
  capturing = 0;
  /** > 0 while a dispatched call runs with listeners: calls it makes on the backend are part of it. */
  private depth = 0;

  /** @param impl the implementation of every kernel and memory function, as given to `withDispatch` */
  constructor(readonly impl: Readonly<Record<string, Impl>>) {}

  /** Adds `listener`; the returned function removes it (idempotent). */
  listen(listener: DispatchListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.lastIndexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** Runs a kernel call while listeners are present and tells them. */
  kernel(name: KernelName, fn: Impl, args: unknown[]): unknown {
    if (this.depth > 0) return fn(...args);
    const result = this.capturing > 0 ? undefined : this.nested(fn, args);
    for (const l of this.listeners) l.kernel(name, fn, args);
    return result;
  }

  /** Runs a memory function while listeners are present and tells them. */
  memory(name: typeof MEMORY_FUNCTIONS[number], fn: Impl, args: unknown[]): unknown {
    if (this.depth > 0) return fn(...args);
    const listeners = this.listeners;
    switch (name) {
      case 'free':
        for (let i = listeners.length - 1; i >= 0; i--) if (listeners[i].free(args[0])) return undefined;
        return this.nested(fn, args);
      case 'download':
        if (this.capturing > 0) throw new CaptureRefused('download');
        for (const l of listeners) l.download();
        return this.nested(fn, args);
      case 'upload':
      case 'adopt':
        for (const l of listeners) l.upload(args[0] as Float32Array);
        return this.nested(fn, args);
      case 'alloc': {
        const buf = this.nested(fn, args);
        for (const l of listeners) l.alloc(buf, args[0] as number, args[1] !== false);
        return buf;
      }
    }
  }

  private nested(fn: Impl, args: unknown[]): unknown {
    this.depth++;
    try {
      return fn(...args);
    } finally {
      this.depth--;
    }
  }
}

const DISPATCHERS = new WeakMap<object, Dispatcher>();

/** The dispatcher of a backend made by {@link withDispatch}; undefined for any other object. */
export function dispatcherOf(backend: object): Dispatcher | undefined {
  return DISPATCHERS.get(backend);
}

/**
 * The backend over `impl`: the same object shape, with every kernel and memory function a funnel through one
 * {@link Dispatcher} (see the file comment). Other members (name, runners, compiled replays) are taken as they are.
 * @throws BackendError naming the kernels of the table that `impl` lacks
 */
export function withDispatch<S>(impl: Backend<S>): Backend<S> {
  const fns = impl as unknown as Record<string, Impl | undefined>;
  const table: Record<string, Impl> = {};
  for (const name of [...KERNEL_NAMES, ...MEMORY_FUNCTIONS]) if (typeof fns[name] === 'function') table[name] = fns[name];
  const missing = KERNEL_NAMES.filter((name) => table[name] === undefined);
  if (missing.length > 0) throw new BackendError(`backend '${impl.name}' implements no ${missing.join(', ')} (kernels of lib/backend/kernel-table.ts)`);
  const dispatcher = new Dispatcher(table);
  const listeners = dispatcher.listeners;
  const backend: Record<string, unknown> = { ...(impl as unknown as Record<string, unknown>) };
  for (const name of KERNEL_NAMES) {
    const fn = table[name];
    backend[name] = funnel(KERNELS[name].kinds.length, fn, listeners, (args) => dispatcher.kernel(name, fn, args));
  }
  for (const name of MEMORY_FUNCTIONS) {
    const fn = table[name];
    if (fn !== undefined) backend[name] = funnel(MEMORY_ARITY[name], fn, listeners, (args) => dispatcher.memory(name, fn, args));
  }
  DISPATCHERS.set(backend, dispatcher);
  return backend as unknown as Backend<S>;
}
