/**
 * Typed errors thrown by myelin. Every message names the argument, what was expected and what came.
 */

/** Base class of every error myelin throws on purpose. */
export class MyelinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or array has a shape that the operation cannot accept. */
export class ShapeError extends MyelinError {}

/** A value is of the wrong type or outside its allowed range (NaN, negative size, unknown name...). */
export class ValueError extends MyelinError {}

/** A tensor was used after `dispose()` (directly or through a `tidy` scope that ended). */
export class DisposedError extends MyelinError {}

/** A backend cannot be loaded or cannot run the requested work. */
export class BackendError extends MyelinError {}

/**
 * Training cannot go on because its numbers broke down: a dynamic loss scale that fell to 0 (every step's gradients
 * were non-finite). `step` is the optimizer step at which it happened.
 */
export class NumericError extends MyelinError {
  readonly step: number;
  constructor(message: string, step: number) {
    super(message);
    this.step = step;
  }
}

/** A saved model directory or weights file is malformed, truncated or hostile. */
export class ModelFormatError extends MyelinError {}

/**
 * An optional package that a feature needs is not installed (e.g. `h5wasm` for `my.io.importKeras`).
 * `packageName` is the npm package to install.
 */
export class DependencyError extends MyelinError {
  readonly packageName: string;
  constructor(message: string, packageName: string) {
    super(message);
    this.packageName = packageName;
  }
}

/**
 * The file system refused an operation (full disk, read-only file system, a file where a folder should be,
 * no permission...). `code` is the system error code (`'ENOSPC'`, `'EROFS'`, `'ENOTDIR'`, `'EEXIST'`,
 * `'EACCES'`...), `path` the file or folder concerned, `syscall` the call that failed.
 */
export class IOError extends MyelinError {
  readonly code: string;
  readonly path: string;
  readonly syscall: string;
  constructor(message: string, code: string, path: string, syscall = '') {
    super(message);
    this.code = code;
    this.path = path;
    this.syscall = syscall;
  }
}

/**
 * Memory for a tensor, an op output or a batch cannot be allocated. `bytes` is what was asked for and
 * `shape` the shape of the tensor that needed it.
 */
export class ResourceError extends MyelinError {
  readonly bytes: number;
  readonly shape: number[];
  constructor(message: string, bytes: number, shape: number[]) {
    super(message);
    this.bytes = bytes;
    this.shape = shape.slice();
  }
}

/**
 * A collective across the ranks of a distributed world (lib/distributed) cannot run: no MPI library when a
 * launcher started several processes, `init()` called twice, tensors or models that differ across ranks.
 * `rank` is the rank whose state differs or failed, when one is known.
 */
export class DistributedError extends MyelinError {
  readonly rank: number | undefined;
  constructor(message: string, rank?: number) {
    super(message);
    this.rank = rank;
  }
}

/** Short, readable description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as { length: number }).length}`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return typeof value;
}
