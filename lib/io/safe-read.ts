/**
 * Reading untrusted files without hanging or ballooning: only regular files are opened (never a FIFO, a
 * device or a symbolic link), the size comes from `fstat` of the open descriptor, reads never go past what
 * was asked, and JSON nesting depth is bounded before `JSON.parse` sees the text.
 */
import * as fs from 'fs';
import { ModelFormatError } from '../errors';
import { errorCode } from './fs-errors';

/** An open regular file and its size at opening. Close it with `fs.closeSync(fd)`. */
export interface OpenedFile {
  fd: number;
  size: number;
  file: string;
}

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** Options of {@link openRegularFile}. */
export interface OpenOptions {
  /** Follow a symbolic link (the file it points to must still be regular). Default false. */
  followLinks?: boolean;
  /** The error to throw (default ModelFormatError). */
  error?: (message: string) => Error;
}

/**
 * Opens `file` for reading if it is a regular file and (unless `followLinks`) not a symbolic link
 * (`O_NOFOLLOW`; `O_NONBLOCK` so that a FIFO cannot block the open), then checks fstat of the descriptor.
 * @throws ModelFormatError (or `options.error`; `what` names the file's role) when it is missing, a link,
 *   a FIFO, a device or a folder.
 */
export function openRegularFile(file: string, what: string, options: OpenOptions = {}): OpenedFile {
  const error = options.error ?? ((m: string) => new ModelFormatError(m));
  const noFollow = options.followLinks ? 0 : NOFOLLOW;
  let fd: number;
  try {
    if (!options.followLinks && NOFOLLOW === 0 && fs.lstatSync(file).isSymbolicLink()) throw Object.assign(new Error('symbolic link'), { code: 'ELOOP' });
    fd = fs.openSync(file, fs.constants.O_RDONLY | noFollow | NONBLOCK);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ELOOP' && !options.followLinks) throw error(`${what} ${file} is a symbolic link; a saved model holds only regular files`);
    throw error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw error(`${what} ${file} is not a regular file (a FIFO, device, socket or folder)`);
  }
  return { fd, size: st.size, file };
}

/** Reads exactly `length` bytes at `position` (fewer bytes in the file: ModelFormatError, it shrank). */
export function readExactly(f: OpenedFile, position: number, length: number, error = (m: string): Error => new ModelFormatError(m)): Buffer {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(f.fd, out, done, length - done, position + done);
    if (n === 0) throw error(`${f.file}: ended after ${position + done} bytes while ${position + length} were expected (changed while reading?)`);
    done += n;
  }
  return out;
}

/**
 * Reads a whole regular file as UTF-8 text, refusing files over `maxBytes` before reading anything.
 * @throws ModelFormatError for a file that is not regular, too large, or not valid UTF-8.
 */
export function readSmallTextFile(file: string, what: string, maxBytes: number): string {
  const f = openRegularFile(file, what);
  try {
    if (f.size > maxBytes) throw new ModelFormatError(`${what} ${file} has ${f.size} bytes, more than the ${maxBytes} allowed`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(readExactly(f, 0, f.size));
    } catch (err) {
      if (err instanceof ModelFormatError) throw err;
      throw new ModelFormatError(`${what} ${file} is not valid UTF-8`);
    }
  } finally {
    fs.closeSync(f.fd);
  }
}

/** Deepest JSON nesting the readers accept (arrays and objects): a saved model needs fewer than 10. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in JSON text (outside strings), scanning at most until it exceeds
 * `limit`. Linear time, constant memory.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * `JSON.parse` of untrusted text after checking its nesting depth is at most {@link MAX_JSON_DEPTH}.
 * @throws ModelFormatError naming `source` for too deep or invalid JSON.
 */
export function parseBoundedJSON(text: string, source: string): unknown {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new ModelFormatError(`${source}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelFormatError(`${source}: not valid JSON (${(err as Error).message})`);
  }
}
