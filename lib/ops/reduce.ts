/** Reductions over axes: sum, mean, max, min (differentiable) and argmax. */
import { noGrad, record } from '../autograd/tape';
import type { ReduceOp } from '../backend/kernel-ids';
import { ShapeError, ValueError, describe } from '../errors';
import { broadcastStrides, normalizeAxes, sizeOf, stridesOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';
import { reshape, transpose } from './reshape';

interface Plan {
  axes: number[];
  keptShape: number[]; // x's shape with reduced axes set to 1
  outShape: number[];
}

function plan(x: Tensor, axis: number | number[] | undefined, keepDims: boolean, op: string): Plan {
  if (typeof keepDims !== 'boolean') throw new ValueError(`${op}: keepDims must be a boolean, got ${describe(keepDims)}`);
  const axes = normalizeAxes(axis, x.rank, op);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return { axes, keptShape, outShape };
}

/** Runs reduce kernel `op` over `axes` of x (no gradient recording). */
function reduceKernel(op: ReduceOp, x: Tensor, p: Plan): Tensor {
  const { axes } = p;
  const out = empty(p.outShape);
  if (out.size === 0) return out;
  const contiguous = axes.length === 0 || axes[axes.length - 1] - axes[0] + 1 === axes.length;
  if (contiguous) {
    const first = axes.length ? axes[0] : x.rank;
    const last = axes.length ? axes[axes.length - 1] : x.rank - 1;
    const outer = sizeOf(x.shape.slice(0, first));
    const mid = sizeOf(x.shape.slice(first, last + 1));
    const inner = sizeOf(x.shape.slice(last + 1));
    x.backend.reduce(op, x.storage, out.storage, outer, mid, inner);
    return out;
  }
  noGrad(() => {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const moved = transpose(x, [...kept, ...axes]);
    const mid = sizeOf(axes.map((a) => x.shape[a]));
    x.backend.reduce(op, moved.storage, out.storage, out.size, mid, 1);
    moved.dispose();
  });
  return out;
}

/**
 * The gradient of a reduction to `dy` (its values laid out in x's shape with reduced axes of size 1, p.keptShape)
 * spread back over x's shape, times `scale`: dx[i] = scale * dy[kept(i)]. One broadcast copy (after one scale of
 * the small dy when scale != 1), without a reshaped copy of dy first. Runs in a gradient rule (no recording).
 */
function spread(dy: Tensor, x: Tensor, p: Plan, scale: number): Tensor {
  const dx = empty(x.shape.slice());
  if (dx.size === 0) return dx;
  let src = dy;
  if (scale !== 1) {
    src = empty(dy.shape.slice());
    x.backend.unary('scale', dy.storage, src.storage, dy.size, scale);
  }
  x.backend.copyStrided(src.storage, 0, broadcastStrides(p.keptShape, x.shape), dx.storage, 0, stridesOf(x.shape), dx.shape.slice(), false);
  if (src !== dy) src.dispose();
  return dx;
}

/** Sum over `axis` (all axes by default). keepDims keeps reduced dimensions as size 1. */
export function sum(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  checkTensor(x, 'sum', 'x');
  const p = plan(x, axis, keepDims, 'sum');
  const y = reduceKernel('sum', x, p);
  record('sum', [x], y, (dy) => [spread(dy, x, p, 1)]);
  return y;
}

/** Arithmetic mean over `axis` (all axes by default). The mean of zero elements is NaN. */
export function mean(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  checkTensor(x, 'mean', 'x');
  const p = plan(x, axis, keepDims, 'mean');
  const count = sizeOf(p.axes.map((a) => x.shape[a]));
  const y = reduceKernel('mean', x, p);  // the sum times 1 / count, in one kernel
  record('mean', [x], y, (dy) => [spread(dy, x, p, 1 / count)]);
  return y;
}

function extremum(op: 'max' | 'min', x: Tensor, axis: number | number[] | undefined, keepDims: boolean): Tensor {
  checkTensor(x, op, 'x');
  const p = plan(x, axis, keepDims, op);
  for (const a of p.axes) if (x.shape[a] === 0) throw new ShapeError(`${op}: cannot reduce over axis ${a} of size 0 (shape [${x.shape.join(', ')}])`);
  const y = reduceKernel(op, x, p);
  record(op, [x], y, (dy) => {
    // d/dx = dy where x equals the extremum (every tie receives it, as in TensorFlow).
    const { equal, mul } = require('./binary') as typeof import('./binary');
    const mask = equal(x, reshape(y, p.keptShape));
    return [mul(mask, reshape(dy, p.keptShape))];
  });
  return y;
}

/** Maximum over `axis` (all axes by default). */
export function max(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  return extremum('max', x, axis, keepDims);
}

/** Minimum over `axis` (all axes by default). */
export function min(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  return extremum('min', x, axis, keepDims);
}

/** Index of the largest value along one axis (default the last); first index on ties. Not differentiable. */
export function argmax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'argmax', 'x');
  if (x.rank === 0) throw new ShapeError('argmax: x must have at least one dimension, got a scalar');
  const p = plan(x, axis, false, 'argmax');
  if (x.shape[p.axes[0]] === 0) throw new ShapeError(`argmax: axis ${p.axes[0]} has size 0`);
  return reduceKernel('argmax', x, p);
}
