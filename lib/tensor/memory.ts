import type { Backend } from '../backend/backend';

/** What the finalizer needs to release a tensor's storage; it must not reference the tensor itself. */
interface Held {
  backend: Backend;
  storage: unknown;
  bytes: number;
  released: boolean;
  /** False for a constant the library keeps for its own use: `memory()` leaves it out. */
  counted: boolean;
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

/**
 * Tensors created since the last flush. Registering every tensor with the FinalizationRegistry costs more
 * than a small op itself, and most tensors are disposed right away (tidy scopes, training steps), so new
 * tensors wait here and only those still alive at the end of the current task (or once the nursery is
 * full) are registered. Forgotten tensors are therefore still released when JS collects them.
 */
const nurseryOwners: object[] = [];
const nurseryHeld: Held[] = [];
const NURSERY_LIMIT = 4096;
let flushQueued = false;

function flushNursery(): void {
  flushQueued = false;
  for (let i = 0; i < nurseryOwners.length; i++) {
    const held = nurseryHeld[i];
    // No unregister token: release() marks `held`, and the finalizer then does nothing.
    if (!held.released) finalizer.register(nurseryOwners[i], held);
  }
  nurseryOwners.length = 0;
  nurseryHeld.length = 0;
}

/** Registers new storage; `owner` is the tensor object whose collection frees it. */
export function track(owner: object, backend: Backend, storage: unknown, bytes: number): Held {
  const held: Held = { backend, storage, bytes, released: false, counted: true };
  numTensors++;
  numBytes += bytes;
  nurseryOwners.push(owner);
  nurseryHeld.push(held);
  if (nurseryOwners.length >= NURSERY_LIMIT) flushNursery();
  else if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flushNursery);
  }
  return held;
}

/** Frees the storage once; later calls do nothing. */
export function release(held: Held): void {
  if (held.released) return;
  held.released = true;
  if (held.counted) {
    numTensors--;
    numBytes -= held.bytes;
  }
  held.backend.free(held.storage);
}

/** Leaves live storage out of `memory()` from now on (a constant the library keeps for its own use). */
export function uncount(held: Held): void {
  if (held.released || !held.counted) return;
  held.counted = false;
  numTensors--;
  numBytes -= held.bytes;
}

/** Live tensors and bytes. A training loop in steady state keeps these constant. */
export function memory(): MemoryInfo {
  return { numTensors, numBytes };
}

export type { Held };
