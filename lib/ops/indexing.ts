/** Ops that select or join parts of tensors: slice, concat, gather. */
import { record } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import { sizeOf, stridesOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkTensor, commonBackend } from './checks';
import { empty } from './creation';
import { reshape, transpose } from './reshape';
import { isInt32Array } from '../tensor/typed-arrays';

/**
 * The block of x starting at `begin` with extent `size` (-1 in size: to the end). A number for begin /
 * size applies to the first axis only.
 */
export function slice(x: Tensor, begin: number | number[], size?: number | number[]): Tensor {
  checkTensor(x, 'slice', 'x');
  const b = typeof begin === 'number' ? [begin] : begin;
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : size;
  if (!Array.isArray(b) || b.length > x.rank) throw new ValueError(`slice: begin must have at most ${x.rank} entries, got ${describe(begin)}`);
  const start = x.shape.map((_, i) => b[i] ?? 0);
  const extent = x.shape.map((d, i) => {
    const e = s[i] ?? -1;
    return e === -1 ? d - start[i] : e;
  });
  for (let i = 0; i < x.rank; i++) {
    if (!Number.isInteger(start[i]) || !Number.isInteger(extent[i]) || start[i] < 0 || extent[i] < 0 || start[i] + extent[i] > x.shape[i]) {
      throw new ShapeError(`slice: begin [${start.join(', ')}] with size [${extent.join(', ')}] does not fit in shape [${x.shape.join(', ')}] (axis ${i})`);
    }
  }
  const strides = stridesOf(x.shape);
  const offset = start.reduce((acc, v, i) => acc + v * strides[i], 0);
  const y = empty(extent);
  if (y.size > 0) x.backend.copyStrided(x.storage, offset, strides, y.storage, 0, stridesOf(extent), extent, false);
  record('slice', [x], y, (dy) => {
    const dx = empty(x.shape, true);
    if (dy.size > 0) x.backend.copyStrided(dy.storage, 0, stridesOf(extent), dx.storage, offset, strides, extent, false);
    return [dx];
  });
  return y;
}

/** Joins tensors along `axis` (default 0); every other dimension must match. */
export function concat(tensors: Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError(`concat: tensors must be a non-empty array, got ${describe(tensors)}`);
  tensors.forEach((t, i) => checkTensor(t, 'concat', `tensors[${i}]`));
  const backend = commonBackend('concat', ...tensors);
  const rank = tensors[0].rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new ValueError(`concat: axis must be in [${-rank}, ${rank - 1}], got ${describe(axis)}`);
  const a = axis < 0 ? axis + rank : axis;
  tensors.forEach((t, i) => {
    if (t.rank !== rank || t.shape.some((d, j) => j !== a && d !== tensors[0].shape[j])) {
      throw new ShapeError(`concat: tensors[${i}] has shape [${t.shape.join(', ')}], which does not match [${tensors[0].shape.join(', ')}] outside axis ${a}`);
    }
  });
  const shape = tensors[0].shape.slice();
  shape[a] = tensors.reduce((acc, t) => acc + t.shape[a], 0);
  const outStrides = stridesOf(shape);
  const y = empty(shape);
  const offsets: number[] = [];
  let at = 0;
  for (const t of tensors) {
    offsets.push(at * outStrides[a]);
    if (t.size > 0) backend.copyStrided(t.storage, 0, stridesOf(t.shape), y.storage, at * outStrides[a], outStrides, t.shape.slice(), false);
    at += t.shape[a];
  }
  record('concat', tensors, y, (dy) => tensors.map((t, i) => {
    const dx = empty(t.shape);
    if (t.size > 0) backend.copyStrided(dy.storage, offsets[i], outStrides, dx.storage, 0, stridesOf(t.shape), t.shape.slice(), false);
    return dx;
  }));
  return y;
}

/** Rows (or slices along `axis`) of x picked by integer `indices`: out = x[indices] along axis. */
export function gather(x: Tensor, indices: number[] | Int32Array | Tensor, axis = 0): Tensor {
  checkTensor(x, 'gather', 'x');
  if (x.rank === 0) throw new ShapeError('gather: x must have at least one dimension, got a scalar');
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) throw new ValueError(`gather: axis must be in [${-x.rank}, ${x.rank - 1}], got ${describe(axis)}`);
  const a = axis < 0 ? axis + x.rank : axis;
  if (a !== 0) {
    const perm = [a, ...x.shape.map((_, i) => i).filter((i) => i !== a)];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return transpose(gather(transpose(x, perm), indices, 0), inverse);
  }
  const raw = isInt32Array(indices) ? indices : Array.isArray(indices) ? indices : (checkTensor(indices, 'gather', 'indices'), Array.from(indices.dataSync()));
  const idx = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isInteger(v) || v < 0 || v >= x.shape[0]) {
      throw new ValueError(`gather: indices[${i}] must be an integer in [0, ${x.shape[0] - 1}], got ${describe(v)}`);
    }
    idx[i] = v;
  }
  const rowSize = x.shape[0] === 0 ? 0 : x.size / x.shape[0];
  const shape = [idx.length, ...x.shape.slice(1)];
  const y = empty(shape);
  if (y.size > 0) x.backend.gatherRows(x.storage, idx, y.storage, rowSize);
  record('gather', [x], y, (dy) => {
    const dx = empty(x.shape, true);
    if (dy.size > 0) x.backend.scatterAddRows(dy.storage, idx, dx.storage, rowSize);
    return [dx];
  });
  return y;
}

/** Collapses every dimension after the first: [n, ...] -> [n, prod(...)]. */
export function flatten(x: Tensor): Tensor {
  checkTensor(x, 'flatten', 'x');
  if (x.rank === 0) return reshape(x, [1]);
  return reshape(x, [x.shape[0], sizeOf(x.shape.slice(1))]);
}
