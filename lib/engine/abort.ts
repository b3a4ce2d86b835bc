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

/** `signal` when it is an AbortSignal (or undefined); a ValueError naming `op` otherwise. */
export function checkSignal(signal: unknown, op: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal instanceof AbortSignal) return signal;
  throw new ValueError(`${op}: signal must be an AbortSignal (from new AbortController().signal), got ${describe(signal)}`);
}

/** An AbortError for `op`, carrying the signal's reason. */
export function abortError(op: string, signal: AbortSignal): AbortError {
  return new AbortError(`${op} was aborted`, { cause: signal.reason });
}

/** Throws the AbortError of `op` when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, op: string): void {
  if (signal?.aborted) throw abortError(op, signal);
}
