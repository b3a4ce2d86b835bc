/** File-system failures as typed errors: every `fs` call of the savers goes through {@link ioCall}. */
import { IOError } from '../errors';

/** The system error code of a Node.js fs error (`'ENOSPC'`, `'EROFS'`...), or null for anything else. */
export function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * Runs `fn` and turns a Node.js fs error into an {@link IOError} whose message reads
 * `<owner>: cannot <what> <file>: <code> (<system message>)`; other errors pass through unchanged.
 */
export function ioCall<T>(owner: string, what: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = errorCode(err);
    if (code === null || err instanceof IOError) throw err;
    const syscall = (err as { syscall?: unknown }).syscall;
    throw new IOError(`${owner}: cannot ${what} ${file}: ${code} (${(err as Error).message})`, code, file, typeof syscall === 'string' ? syscall : '');
  }
}

/** {@link ioCall} for a promise-returning `fn`. */
export async function ioCallAsync<T>(owner: string, what: string, file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return ioCall(owner, what, file, () => { throw err; });
  }
}

/** Runs `fn`, ignoring any error (cleanup after a failure that is already being reported). */
export function bestEffort(fn: () => void): void {
  try {
    fn();
  } catch { /* the original error matters more */ }
}
