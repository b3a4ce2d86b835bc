import type { Backend } from '../backend/backend';

/** What the finalizer needs to release a tensor's storage; it must not reference the tensor itself. */
interface Held {
  backend: Backend;
  storage: unknown;
  bytes: number;
  released: boolean;
}

/** Counts of live tensors, as returned by `memory()`. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed (or collected). */
  numTensors: number;
  /** Bytes of storage those tensors hold (4 per float32 element). */
  numBytes: number;
}

let numTensors = 0;
let numBytes = 0;

/** Safety net: storage of tensors that were never disposed is released when JS collects them. */
const finalizer = new FinalizationRegistry<Held>((held) => release(held));

/** Registers new storage; `owner` is the tensor object whose collection frees it. */
export function track(owner: object, backend: Backend, storage: unknown, bytes: number): Held {
  const held: Held = { backend, storage, bytes, released: false };
  numTensors++;
  numBytes += bytes;
  // No unregister token: release() marks `held` and the finalizer then does nothing. This keeps both
  // registration and dispose cheap (a small op costs well under a microsecond).
  finalizer.register(owner, held);
  return held;
}

/** Frees the storage once; later calls do nothing. */
export function release(held: Held): void {
  if (held.released) return;
  held.released = true;
  numTensors--;
  numBytes -= held.bytes;
  held.backend.free(held.storage);
}

/** Live tensors and bytes. A training loop in steady state keeps these constant. */
export function memory(): MemoryInfo {
  return { numTensors, numBytes };
}

export type { Held };
