/**
 * Tensor storage bookkeeping: the counts of `memory()`, `dispose`, and the release of tensors nobody disposed.
 *
 * Forgotten tensors are released in one of two ways, by the kind of storage:
 * - Storage the garbage collector frees by itself (the host backends' Float32Arrays, `Backend.collectedStorage`):
 *   a forgotten tensor dies with its storage in the next young-generation collection, with no finalizer of its
 *   own. Tensors made in the same task (at most {@link COHORT_SIZE} of them) share one cohort: a small object that
 *   each of them references and that one FinalizationRegistry entry watches; when the whole cohort is collected,
 *   its tensors that were never disposed leave `memory()`'s counts. So a service that forgets millions of small
 *   results keeps a flat heap and short pauses (a finalizer per tensor retained ~300 bytes each until the event
 *   loop turned, and made each full collection walk millions of registry cells).
 * - Native storage (cuda buffers): each tensor still alive at the end of its task is registered with the
 *   FinalizationRegistry, whose callback frees the buffer (and the addon tells V8 the buffer's size).
 */
import type { Backend } from '../backend/backend';

/** Counts of one cohort's tensors that are neither disposed nor uncounted. */
interface CohortCounts {
  tensors: number;
  bytes: number;
}

/** What tensors of one cohort reference: while one of them lives, the cohort lives. */
interface Cohort {
  readonly counts: CohortCounts;
  members: number;
}

/** A tensor's storage and its state; for native storage, what the finalizer needs (never the tensor itself). */
interface Held {
  backend: Backend;
  storage: unknown;
  bytes: number;
  released: boolean;
  /** False for a constant the library keeps for its own use: `memory()` leaves it out. */
  counted: boolean;
  /** The cohort of a tensor on collected storage (null for native storage, and once uncounted). */
  cohort: Cohort | null;
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

/** Native storage of tensors that were never disposed is freed when JS collects them. */
const finalizer = new FinalizationRegistry<Held>((held) => release(held));

/** A cohort collected: its members that were never disposed leave the counts (their storage went with them). */
const cohortFinalizer = new FinalizationRegistry<CohortCounts>((counts) => {
  numTensors -= counts.tensors;
  numBytes -= counts.bytes;
});

/** Most tensors in one cohort: bounds how many forgotten tensors one long-lived tensor keeps counted. */
export const COHORT_SIZE = 1024;
let cohort: Cohort | null = null;

/**
 * Native-storage tensors created since the last flush. Registering every tensor with the FinalizationRegistry
 * costs more than a small op itself, and most tensors are disposed right away (tidy scopes, training steps), so
 * new tensors wait here and only those still alive at the end of the current task (or once the nursery is full)
 * are registered.
 */
const nurseryOwners: object[] = [];
const nurseryHeld: Held[] = [];
const NURSERY_LIMIT = 4096;
let flushQueued = false;

function endOfTask(): void {
  flushQueued = false;
  cohort = null;
  flushNursery();
}

function queueEndOfTask(): void {
  if (flushQueued) return;
  flushQueued = true;
  queueMicrotask(endOfTask);
}

function flushNursery(): void {
  for (let i = 0; i < nurseryOwners.length; i++) {
    const held = nurseryHeld[i];
    // No unregister token: release() marks `held`, and the finalizer then does nothing.
    if (!held.released) finalizer.register(nurseryOwners[i], held);
  }
  nurseryOwners.length = 0;
  nurseryHeld.length = 0;
}

function joinCohort(): Cohort {
  if (cohort === null || cohort.members >= COHORT_SIZE) {
    cohort = { counts: { tensors: 0, bytes: 0 }, members: 0 };
    cohortFinalizer.register(cohort, cohort.counts);
  }
  cohort.members++;
  return cohort;
}

/** Registers new storage; `owner` is the tensor object whose collection frees it. */
export function track(owner: object, backend: Backend, storage: unknown, bytes: number): Held {
  numTensors++;
  numBytes += bytes;
  if (backend.collectedStorage === true) {
    const c = joinCohort();
    c.counts.tensors++;
    c.counts.bytes += bytes;
    queueEndOfTask();
    return { backend, storage, bytes, released: false, counted: true, cohort: c };
  }
  const held: Held = { backend, storage, bytes, released: false, counted: true, cohort: null };
  enterNursery(owner, held);
  return held;
}

/** Queues `held` for a finalizer of its own, registered at the end of the task if it is still alive then. */
function enterNursery(owner: object, held: Held): void {
  nurseryOwners.push(owner);
  nurseryHeld.push(held);
  if (nurseryOwners.length >= NURSERY_LIMIT) flushNursery();
  else queueEndOfTask();
}

/**
 * Takes a long-lived tensor (a Variable) out of its cohort, so that it does not keep the forgotten tensors made in
 * the same task counted while it lives; it gets a finalizer of its own instead.
 */
export function trackAlone(owner: object, held: Held): void {
  if (held.cohort === null) return;
  leaveCohort(held);
  enterNursery(owner, held);
}

/** Takes a tensor's counts out of its cohort's (its collection then no longer concerns the cohort). */
function leaveCohort(held: Held): void {
  const c = held.cohort;
  if (c === null) return;
  held.cohort = null;
  c.counts.tensors--;
  c.counts.bytes -= held.bytes;
}

/** Removes a counted tensor from the counts (and from its cohort's). */
function discount(held: Held): void {
  numTensors--;
  numBytes -= held.bytes;
  leaveCohort(held);
}

/** Frees the storage once; later calls do nothing. */
export function release(held: Held): void {
  if (held.released) return;
  held.released = true;
  if (held.counted) discount(held);  // an uncounted tensor already left its cohort
  held.backend.free(held.storage);
}

/**
 * Leaves live storage out of `memory()` from now on (a constant the library keeps for its own use); it no longer
 * keeps its cohort alive either.
 */
export function uncount(held: Held): void {
  if (held.released || !held.counted) return;
  discount(held);
  held.counted = false;
}

/** Live tensors and bytes. A training loop in steady state keeps these constant. */
export function memory(): MemoryInfo {
  return { numTensors, numBytes };
}

export type { Held };
