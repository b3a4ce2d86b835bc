import { ShapeError, ValueError, describe } from '../errors';

/** A tensor shape: non-negative integer dimensions, outermost first. */
export type Shape = readonly number[];

/** Checks that `shape` is an array of non-negative integers; `what` names the argument in errors. */
export function checkShape(shape: unknown, what = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what} must be an array of non-negative integers, got ${describe(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what}[${i}] must be a non-negative integer, got ${describe(d)} (in [${shape.map(describe).join(', ')}])`);
    }
  }
  return shape.slice();
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major element strides of a dense tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and dimensions. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: the result shape of combining `a` and `b`, or a ShapeError naming both. */
export function broadcastShapes(a: Shape, b: Shape, opName: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${opName}: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` read as if broadcast to `outShape`: 0 along dimensions that are broadcast. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length);
  for (let i = 0; i < outShape.length; i++) {
    const j = i - offset;
    strides[i] = j < 0 || shape[j] === 1 ? 0 : own[j];
  }
  return strides;
}

/** The axes of `outShape` along which `shape` was broadcast (for summing gradients back). */
export function broadcastAxes(shape: Shape, outShape: Shape): number[] {
  const offset = outShape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const j = i - offset;
    if (j < 0 || (shape[j] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/**
 * Normalizes an axis argument (number, array, or undefined for all axes) against a rank: negative
 * axes count from the end; duplicates and out-of-range axes are errors. Result sorted ascending.
 */
export function normalizeAxes(axis: number | number[] | undefined | null, rank: number, opName: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const seen = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1) && !(rank === 0 && a === 0)) {
      throw new ValueError(`${opName}: axis must be an integer in [${-rank}, ${rank - 1}], got ${describe(a)}`);
    }
    const n = a < 0 ? a + rank : a;
    if (seen.has(n)) throw new ValueError(`${opName}: axis ${a} is listed twice`);
    seen.add(n);
  }
  return [...seen].filter((a) => a < rank).sort((x, y) => x - y);
}
