/**
 * Converts what users pass as x / y (a Tensor, nested arrays, or `{ data, shape }`) to a Tensor and
 * validates it: non-empty, finite (NaN / Infinity is a ValueError naming row and column), rows agree.
 */
import { ShapeError, ValueError, describe } from '../errors';
import { noGrad } from '../autograd/tape';
import { tensor } from '../ops/creation';
import { sum } from '../ops/reduce';
import { Tensor, type NestedArray } from '../tensor/tensor';

/** Data accepted by fit / evaluate / predict. */
export type InputData = Tensor | NestedArray[] | { data: Float32Array | ArrayLike<number>; shape: number[] };

/** A validated tensor; `owned` is true when it was created here (the caller disposes it). */
export interface Converted {
  tensor: Tensor;
  owned: boolean;
}

/**
 * Converts and validates `value`, named `arg` in errors (e.g. 'fit: x'). With `deferFinite` the check that every
 * value is finite is left to the caller (lib/engine/finite-check.ts runs it off the JavaScript thread).
 */
export function toTensor(value: unknown, arg: string, deferFinite = false): Converted {
  let t: Tensor;
  let owned = true;
  if (value instanceof Tensor) {
    if (value.isDisposed) throw new ValueError(`${arg} is a disposed Tensor`);
    t = value;
    owned = false;
  } else if (Array.isArray(value)) {
    if (value.length === 0) throw new ValueError(`${arg} must not be empty, got an empty array`);
    if (value.some((row) => typeof row !== 'number' && !Array.isArray(row))) {
      const i = value.findIndex((row) => typeof row !== 'number' && !Array.isArray(row));
      throw new ValueError(`${arg}[${i}] must be a number or an array of numbers, got ${describe(value[i])}`);
    }
    t = tensor(value as NestedArray);
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const { data, shape } = value as { data: unknown; shape: unknown };
    if (!ArrayBuffer.isView(data) && !Array.isArray(data)) throw new ValueError(`${arg}.data must be a Float32Array (or number array), got ${describe(data)}`);
    if (!Array.isArray(shape)) throw new ValueError(`${arg}.shape must be an array of integers, got ${describe(shape)}`);
    t = tensor(data as Float32Array, shape as number[]);
  } else {
    throw new ValueError(`${arg} must be a Tensor, nested arrays of numbers or { data: Float32Array, shape }, got ${describe(value)}`);
  }
  try {
    checkContents(t, arg, deferFinite);
  } catch (err) {
    if (owned) t.dispose();
    throw err;
  }
  return { tensor: t, owned };
}

function checkContents(t: Tensor, arg: string, deferFinite: boolean): void {
  if (t.rank === 0) throw new ShapeError(`${arg} must have a first (sample) dimension, got a scalar`);
  if (t.shape[0] === 0 || t.size === 0) throw new ValueError(`${arg} must not be empty, got shape [${t.shape.join(', ')}]`);
  if (!deferFinite) checkFinite(t, arg);
}

/**
 * Throws a ValueError naming `arg`, the row and the column when t holds NaN or an infinity. The sum of every value
 * is NaN or infinite whenever one value is, so one reduction on the backend (no host copy of the data) clears the
 * usual case. Only a non-finite sum (a bad value, or finite values whose sum overflows float32) is followed by a
 * scan on the host to name the position.
 */
export function checkFinite(t: Tensor, arg: string): void {
  const total = noGrad(() => sum(t));
  const finite = Number.isFinite(total.dataSync()[0]);
  total.dispose();
  if (finite) return;
  const values = t.dataSync();
  const perRow = t.size / t.shape[0];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / perRow);
      const col = i % perRow;
      throw new ValueError(`${arg} contains ${describe(values[i])} at row ${row}, column ${col}; every value must be a finite number`);
    }
  }
  // Every value is finite: the sum overflowed.
}

/** Throws ShapeError unless every named tensor has the same number of rows. */
export function checkSameRows(entries: [string, Tensor][]): void {
  const [name0, t0] = entries[0];
  for (const [name, t] of entries.slice(1)) {
    if (t.shape[0] !== t0.shape[0]) {
      throw new ShapeError(`${name} has ${t.shape[0]} rows but ${name0} has ${t0.shape[0]}; they must have one row per sample`);
    }
  }
}

/** Reads an optional per-sample weight vector (array, Float32Array or Tensor of n values, each finite >= 0). */
export function toSampleWeights(value: unknown, n: number, arg: string): Float32Array | null {
  if (value === undefined || value === null) return null;
  let w: Float32Array;
  if (value instanceof Tensor) w = value.dataSync();
  else if (Array.isArray(value) || ArrayBuffer.isView(value)) w = Float32Array.from(value as ArrayLike<number>);
  else throw new ValueError(`${arg} must be an array, Float32Array or Tensor of ${n} weights, got ${describe(value)}`);
  if (w.length !== n) throw new ShapeError(`${arg} must hold one weight per sample (${n}), got ${w.length}`);
  const bad = w.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0) throw new ValueError(`${arg}[${bad}] must be a finite number >= 0, got ${describe(w[bad])}`);
  return w;
}
