/**
 * Cancellation of `fit`, `predictAsync` and `evaluateAsync` through an `AbortSignal`, as `fetch` does: an abort
 * rejects the call with an error whose `name` is 'AbortError' (its `cause` is the signal's reason).
 */
import { ValueError, describe } from '../errors';

/** The error an aborted call rejects with: `name === 'AbortError'`, the signal's reason as `cause`. */
export class AbortError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * The part of the standard `AbortSignal` that myelin uses, declared here so that the library's type
 * declarations need neither Node's types nor the DOM library; a real `AbortSignal` (Node or DOM) fits it, and
 * only a real one is accepted at run time.
 */
export interface AbortSignalLike {
  /** True once the signal has fired. */
  readonly aborted: boolean;
  /** Why it fired (the `cause` of the AbortError). */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** `signal` when it is an AbortSignal (or undefined); a ValueError naming `op` otherwise. */
export function checkSignal(signal: unknown, op: string): AbortSignalLike | undefined {
  if (signal === undefined) return undefined;
  if (signal instanceof AbortSignal) return signal;
  throw new ValueError(`${op}: signal must be an AbortSignal (from new AbortController().signal), got ${describe(signal)}`);
}

/** An AbortError for `op`, carrying the signal's reason. */
export function abortError(op: string, signal: AbortSignalLike): AbortError {
  return new AbortError(`${op} was aborted`, { cause: signal.reason });
}

/** Throws the AbortError of `op` when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignalLike | undefined, op: string): void {
  if (signal?.aborted) throw abortError(op, signal);
}
