/** Turns the table-like inputs of the data helpers and scalers into one flat, row-major float64 matrix. */
import { ShapeError, ValueError, describe } from '../errors';
import { Tensor, type NestedArray } from '../tensor/tensor';

/** What the data helpers and scalers accept: a Tensor, nested arrays, or a flat array with its shape. */
export type MatrixLike = Tensor | NestedArray[] | { data: ArrayLike<number>; shape: number[] };

/** A dense matrix, row-major, copied out of the input. */
export interface Matrix {
  /** Values, row-major. */
  data: Float64Array;
  /** Number of rows (samples). */
  rows: number;
  /** Number of columns (features); 1 for a vector input. */
  cols: number;
  /** The shape the input had ([rows] for a vector, [rows, cols] for a table). */
  shape: number[];
}

/**
 * Copies `x` into a {@link Matrix}. A vector of n values is n rows of one column.
 * @param what names the argument in error messages, e.g. 'StandardScaler.fit: x'.
 * @throws ValueError for anything else than a Tensor, nested arrays of numbers or {data, shape};
 *   ShapeError for a ragged array, a rank other than 1 or 2, or data that does not match its shape.
 */
export function toMatrix(x: unknown, what: string): Matrix {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (x instanceof Tensor) {
    flat = x.dataSync();
    shape = x.shape.slice();
  } else if (Array.isArray(x)) {
    ({ flat, shape } = flattenNested(x, what));
  } else if (x !== null && typeof x === 'object' && 'data' in x && 'shape' in x) {
    const { data, shape: s } = x as { data: unknown; shape: unknown };
    if (!Array.isArray(s) || s.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`${what}.shape must be an array of non-negative integers, got ${describe(s)}`);
    }
    if (!(ArrayBuffer.isView(data) || Array.isArray(data))) {
      throw new ValueError(`${what}.data must be a Float32Array or an array of numbers, got ${describe(data)}`);
    }
    flat = data as ArrayLike<number>;
    shape = (s as number[]).slice();
    const need = shape.reduce((a, b) => a * b, 1);
    if (flat.length !== need) {
      throw new ShapeError(`${what}: shape [${shape.join(', ')}] holds ${need} values but data has ${flat.length}`);
    }
  } else {
    throw new ValueError(`${what} must be a Tensor, nested arrays of numbers or {data, shape}, got ${describe(x)}`);
  }
  if (shape.length !== 1 && shape.length !== 2) {
    throw new ShapeError(`${what} must be a vector or a matrix [samples, features], got shape [${shape.join(', ')}]`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new ValueError(`${what}: value ${i} must be a number, got ${describe(v)}`);
    data[i] = v;
  }
  return { data, rows, cols, shape };
}

function flattenNested(x: unknown[], what: string): { flat: number[]; shape: number[] } {
  if (x.length > 0 && Array.isArray(x[0])) {
    const cols = (x[0] as unknown[]).length;
    const flat: number[] = [];
    for (let r = 0; r < x.length; r++) {
      const row = x[r];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ShapeError(`${what} is ragged: row ${r} should be an array of ${cols} numbers, got ${describe(row)}`);
      }
      for (let c = 0; c < cols; c++) {
        const v = row[c];
        if (typeof v !== 'number') throw new ValueError(`${what}[${r}][${c}] must be a number, got ${describe(v)}`);
        flat.push(v);
      }
    }
    return { flat, shape: [x.length, cols] };
  }
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number') throw new ValueError(`${what}[${i}] must be a number, got ${describe(x[i])}`);
  }
  return { flat: x as number[], shape: [x.length] };
}

/** Throws a ValueError naming the first NaN (or infinite, when `finiteOnly`) value by row and column. */
export function checkNoNaN(m: Matrix, what: string, finiteOnly = false): void {
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (Number.isNaN(v) || (finiteOnly && !Number.isFinite(v))) {
      const row = Math.floor(i / m.cols);
      const col = i % m.cols;
      throw new ValueError(`${what} has ${describe(v)} at row ${row}, column ${col}; remove or impute missing values first`);
    }
  }
}
