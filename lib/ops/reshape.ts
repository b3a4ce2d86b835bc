/** Ops that change how values are laid out: reshape, transpose, broadcastTo, expandDims, squeeze. */
import { record } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import { broadcastShapes, broadcastStrides, checkShape, normalizeAxes, shapesEqual, sizeOf, stridesOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';

/** @internal A dense copy of `x` with another shape of the same size. */
function copyAs(x: Tensor, shape: number[]): Tensor {
  const out = empty(shape);
  if (x.size > 0) x.backend.copyStrided(x.storage, 0, [1], out.storage, 0, [1], [x.size], false);
  return out;
}

/** A copy of `x` (same shape, own storage), made on the backend. The gradient passes through unchanged. */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone', 'x');
  const y = copyAs(x, x.shape.slice());
  record('clone', [x], y, (dy) => [copyAs(dy, x.shape.slice())]);
  return y;
}

/**
 * The same values with another shape of the same size. One dimension may be -1: it is inferred.
 */
export function reshape(x: Tensor, shape: number[]): Tensor {
  checkTensor(x, 'reshape', 'x');
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${describe(shape)}`);
  const inferred = shape.indexOf(-1);
  let target = shape.slice();
  if (inferred >= 0) {
    if (shape.indexOf(-1, inferred + 1) >= 0) throw new ShapeError(`reshape: only one dimension may be -1, got [${shape.join(', ')}]`);
    const rest = sizeOf(shape.filter((_, i) => i !== inferred));
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot infer the -1 in [${shape.join(', ')}] for ${x.size} values`);
    target[inferred] = x.size / rest;
  }
  target = checkShape(target, 'reshape: shape');
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(`reshape: shape [${target.join(', ')}] holds ${sizeOf(target)} values, x of shape [${x.shape.join(', ')}] has ${x.size}`);
  }
  const y = copyAs(x, target);
  record('reshape', [x], y, (dy) => [copyAs(dy, x.shape.slice())]);
  return y;
}

/** Permutes the dimensions: out.shape[i] = x.shape[perm[i]]. Default perm reverses them. */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  checkTensor(x, 'transpose', 'x');
  const rank = x.rank;
  const p = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (!Array.isArray(p) || p.length !== rank || normalizeAxes(p, rank, 'transpose').length !== rank) {
    throw new ValueError(`transpose: perm must be a permutation of 0..${rank - 1}, got ${describe(perm)}`);
  }
  const axes = p.map((a) => (a < 0 ? a + rank : a));
  const shape = axes.map((a) => x.shape[a]);
  const inStrides = stridesOf(x.shape);
  const out = empty(shape);
  if (out.size > 0) x.backend.copyStrided(x.storage, 0, axes.map((a) => inStrides[a]), out.storage, 0, stridesOf(shape), shape, false);
  record('transpose', [x], out, (dy) => {
    const inverse = new Array<number>(rank);
    axes.forEach((a, i) => { inverse[a] = i; });
    return [transpose(dy, inverse)];
  });
  return out;
}

/** Repeats `x` along broadcast dimensions to `shape` (NumPy broadcasting rules). */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  checkTensor(x, 'broadcastTo', 'x');
  const target = checkShape(shape, 'broadcastTo: shape');
  const result = broadcastShapes(x.shape, target, 'broadcastTo');
  if (!shapesEqual(result, target)) {
    throw new ShapeError(`broadcastTo: x of shape [${x.shape.join(', ')}] cannot be broadcast to [${target.join(', ')}]`);
  }
  const out = empty(target);
  if (out.size > 0) x.backend.copyStrided(x.storage, 0, broadcastStrides(x.shape, target), out.storage, 0, stridesOf(target), target, false);
  record('broadcastTo', [x], out, (dy) => {
    // Imported lazily: reduce depends on reshape.
    const { unbroadcast } = require('./binary') as typeof import('./binary');
    return [unbroadcast(dy, x.shape)];
  });
  return out;
}

/** Inserts a dimension of size 1 at `axis` (default 0). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  checkTensor(x, 'expandDims', 'x');
  const rank = x.rank + 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new ValueError(`expandDims: axis must be in [${-rank}, ${rank - 1}], got ${describe(axis)}`);
  const a = axis < 0 ? axis + rank : axis;
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Removes dimensions of size 1 (all of them, or those listed in `axis`). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  checkTensor(x, 'squeeze', 'x');
  const axes = axis === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(axis, x.rank, 'squeeze');
  for (const a of axes) if (x.shape[a] !== 1) throw new ShapeError(`squeeze: dimension ${a} of [${x.shape.join(', ')}] is ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}
