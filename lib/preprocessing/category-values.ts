/** Reading the category values (strings or numbers) that the encoders of `my.preprocessing` take. */
import { ValueError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';

/** A category: a string, or a number (a code such as 3 for 'income bracket 3'). */
export type Category = string | number;

/** Values of one categorical column: an array of strings or numbers, a typed array, or a vector Tensor. */
export type CategoryColumn = readonly Category[] | ArrayLike<number> | Tensor;

/** The values of `column` as an array, each a string or a finite number (`what` names it in errors). */
export function categoriesOf(column: unknown, what: string, kind: 'string' | 'number' | 'any' = 'any'): Category[] {
  let values: ArrayLike<unknown>;
  if (column instanceof Tensor) {
    if (column.rank > 2 || (column.rank === 2 && column.shape[1] !== 1)) throw new ValueError(`${what} must be a vector of categories, got a Tensor of shape [${column.shape.join(', ')}]`);
    values = column.dataSync();
  } else if (Array.isArray(column) || ArrayBuffer.isView(column)) {
    values = column as ArrayLike<unknown>;
  } else {
    throw new ValueError(`${what} must be an array of ${kind === 'any' ? 'strings or numbers' : `${kind}s`}, got ${describe(column)}`);
  }
  const out: Category[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = (typeof v === 'string' && kind !== 'number') || (typeof v === 'number' && Number.isFinite(v) && kind !== 'string');
    if (!ok) throw new ValueError(`${what}[${i}] must be ${kind === 'any' ? 'a string or a finite number' : kind === 'number' ? 'a finite number' : 'a string'}, got ${describe(v)}`);
    out[i] = v as Category;
  }
  return out;
}

/** Sorted distinct values (numbers ascending before strings in code-point order), as sklearn's `np.unique`. */
export function sortedDistinct(values: Category[]): Category[] {
  const distinct = Array.from(new Set(values));
  return distinct.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The integer indices in `indices` (a Tensor, typed array or number array), each checked to be in [0, size). */
export function indicesOf(indices: unknown, size: number, what: string): number[] {
  const values = indices instanceof Tensor ? Array.from(indices.dataSync())
    : Array.isArray(indices) || ArrayBuffer.isView(indices) ? Array.from(indices as ArrayLike<number>) : null;
  if (values === null) throw new ValueError(`${what} must be an array, typed array or Tensor of indices, got ${describe(indices)}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= size) throw new ValueError(`${what}[${i}] must be an integer index in [0, ${size - 1}], got ${describe(v)}`);
  });
  return values;
}

/** Reads a `toJSON()` object (or its string) of `className`, returning its config and state. */
export function readEncoderJSON(json: unknown, className: string): { config: Record<string, unknown>; state: Record<string, unknown> | null } {
  const obj: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (obj === null || typeof obj !== 'object') throw new ValueError(`${className}.fromJSON: json must be an object, got ${describe(obj)}`);
  const o = obj as { className?: unknown; config?: unknown; state?: unknown };
  if (o.className !== className) throw new ValueError(`${className}.fromJSON: className must be '${className}', got ${describe(o.className)}`);
  const config = (o.config ?? {}) as Record<string, unknown>;
  if (typeof config !== 'object' || Array.isArray(config)) throw new ValueError(`${className}.fromJSON: config must be an object, got ${describe(o.config)}`);
  const state = o.state ?? null;
  if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new ValueError(`${className}.fromJSON: state must be an object or null, got ${describe(state)}`);
  return { config, state: state as Record<string, unknown> | null };
}

/** The JSON form every encoder writes. */
export interface EncoderJSON {
  className: string;
  config: Record<string, unknown>;
  /** What fit learned; null when never fitted. */
  state: Record<string, unknown> | null;
}

/** Checks that `list` is an array of categories (strings or numbers) without repeats. */
export function categoryList(list: unknown, what: string): Category[] {
  const values = categoriesOf(list, what);
  const seen = new Set<Category>();
  for (const v of values) {
    if (seen.has(v)) throw new ValueError(`${what} holds ${describe(v)} twice; categories must be distinct`);
    seen.add(v);
  }
  return values;
}
