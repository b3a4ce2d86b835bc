/** Functions that make tensors from values, constants and the seeded random generator. */
import { allocChecked } from '../backend/checked-alloc';
import { getBackend } from '../backend/select';
import { ShapeError, ValueError, describe } from '../errors';
import { generatorFor } from '../tensor/random';
import { checkShape, sizeOf, type Shape } from '../tensor/shape';
import { Tensor, type NestedArray } from '../tensor/tensor';
import { isFloat32Array } from '../tensor/typed-arrays';

/** Values `tensor()` accepts: a number, nested arrays of numbers, or a flat array / TypedArray with a shape. */
export type TensorLike = number | NestedArray | ArrayLike<number> | Float32Array;

/** @internal A tensor of `shape` on the active backend owning `storage`. */
export function wrap(storage: unknown, shape: Shape): Tensor {
  return new Tensor(getBackend(), storage, shape);
}

/**
 * @internal A new tensor on the active backend for a kernel to write. Its contents are unspecified unless
 * `zeroed` (pass true when the kernel writes only part of it or accumulates into it).
 */
export function empty(shape: Shape, zeroed = false): Tensor {
  const backend = getBackend();
  return new Tensor(backend, allocChecked(backend, sizeOf(shape), shape, zeroed), shape);
}

/** Infers the shape of nested arrays and flattens them, rejecting ragged and non-numeric input. */
function flatten(values: NestedArray, arg: string): { data: Float32Array; shape: number[] } {
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0]; }
  const data = new Float32Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') throw new ValueError(`tensor: ${arg}${path} must be a number, got ${describe(v)}`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(`tensor: ${arg} is ragged: ${arg}${path} should be an array of length ${shape[dim]}, got ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
  return { data, shape };
}

/** Options of `tensor`. */
export interface TensorOptions {
  /**
   * false: a Float32Array is taken over instead of copied where the backend keeps host memory (like
   * `torch.from_numpy`, but the tensor then owns it: do not write the array afterwards, nor read it once the
   * tensor is disposed). Saves a copy of large data sets. Default true.
   */
  copy?: boolean;
}

/**
 * A float32 tensor from values. `tensor([[1, 2], [3, 4]])` infers the shape; `tensor(float32Array, [2, 2])`
 * takes a flat array (any TypedArray or number array) with an explicit shape (copied unless
 * `{ copy: false }`).
 */
export function tensor(values: TensorLike, shape?: number[], options: TensorOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') throw new ValueError(`tensor: options must be an object, got ${describe(options)}`);
  let data: Float32Array;
  let finalShape: number[];
  // Whether `data` is an array made here (or handed over by the caller) that the backend may keep.
  let owned = true;
  if (typeof values === 'number') {
    data = Float32Array.of(values);
    finalShape = [];
  } else if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    data = isFloat32Array(values) ? values : Float32Array.from(values as unknown as ArrayLike<number>);
    owned = values !== data || options.copy === false;
    finalShape = [data.length];
  } else if (Array.isArray(values)) {
    ({ data, shape: finalShape } = flatten(values, 'values'));
  } else {
    throw new ValueError(`tensor: values must be a number, nested arrays of numbers or a TypedArray, got ${describe(values)}`);
  }
  if (shape !== undefined) {
    const s = checkShape(shape, 'tensor: shape');
    if (sizeOf(s) !== data.length) {
      throw new ShapeError(`tensor: shape [${s.join(', ')}] holds ${sizeOf(s)} values but ${data.length} were given`);
    }
    finalShape = s;
  }
  const backend = getBackend();
  const storage = owned && backend.adopt ? backend.adopt(data) : backend.upload(data);
  return new Tensor(backend, storage, finalShape);
}

/** A rank-0 tensor holding one number. */
export function scalar(value: number): Tensor {
  if (typeof value !== 'number') throw new ValueError(`scalar: value must be a number, got ${describe(value)}`);
  return tensor(value);
}

/** A tensor of `shape` filled with `value`. */
export function fill(shape: number[], value: number): Tensor {
  const s = checkShape(shape, 'fill: shape');
  if (typeof value !== 'number') throw new ValueError(`fill: value must be a number, got ${describe(value)}`);
  const t = empty(s, value === 0);
  if (value !== 0 && t.size > 0) t.backend.fill(t.storage, value, 0, t.size);
  return t;
}

/** A tensor of zeros. */
export function zeros(shape: number[]): Tensor {
  return fill(shape, 0);
}

/** A tensor of ones. */
export function ones(shape: number[]): Tensor {
  return fill(shape, 1);
}

/** Zeros shaped like `x`. */
export function zerosLike(x: Tensor): Tensor {
  return fill(x.shape.slice(), 0);
}

/** Ones shaped like `x`. */
export function onesLike(x: Tensor): Tensor {
  return fill(x.shape.slice(), 1);
}

/** Options of the random creation functions. */
export interface RandomOptions {
  /** Seed of the library's generator; without one the global stream (see `setSeed`) is used. */
  seed?: number;
}

function randomTensor(op: string, shape: number[], sample: () => number): Tensor {
  const s = checkShape(shape, `${op}: shape`);
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = sample();
  const backend = getBackend();
  return new Tensor(backend, backend.adopt ? backend.adopt(data) : backend.upload(data), s);
}

function finite(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
  return v;
}

/** Samples of N(mean, stddev^2). Defaults: mean 0, stddev 1. */
export function randomNormal(shape: number[], options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const mean = finite('randomNormal', 'mean', options.mean ?? 0);
  const stddev = finite('randomNormal', 'stddev', options.stddev ?? 1);
  const rng = generatorFor(options.seed);
  return randomTensor('randomNormal', shape, () => mean + stddev * rng.normal());
}

/** Samples of N(mean, stddev^2) redrawn while more than 2 stddev from the mean (Keras' truncated normal). */
export function truncatedNormal(shape: number[], options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const mean = finite('truncatedNormal', 'mean', options.mean ?? 0);
  const stddev = finite('truncatedNormal', 'stddev', options.stddev ?? 1);
  const rng = generatorFor(options.seed);
  return randomTensor('truncatedNormal', shape, () => {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    return mean + stddev * z;
  });
}

/** Samples of U[minval, maxval). Defaults: minval 0, maxval 1. */
export function randomUniform(shape: number[], options: RandomOptions & { minval?: number; maxval?: number } = {}): Tensor {
  const lo = finite('randomUniform', 'minval', options.minval ?? 0);
  const hi = finite('randomUniform', 'maxval', options.maxval ?? 1);
  if (hi < lo) throw new ValueError(`randomUniform: maxval (${hi}) must be >= minval (${lo})`);
  const rng = generatorFor(options.seed);
  return randomTensor('randomUniform', shape, () => lo + (hi - lo) * rng.uniform());
}
