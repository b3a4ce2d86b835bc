/** L1, L2 and L1L2 weight penalties (Keras formulas and defaults). */
import { ValueError, describe } from '../errors';
import { add } from '../ops/binary';
import { sum } from '../ops/reduce';
import { abs, mulScalar, square } from '../ops/unary';
import { Tensor } from '../tensor/tensor';
import type { Regularizer } from './regularizer';

function coefficient(owner: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${owner}: ${arg} must be a finite number >= 0, got ${describe(v)}`);
  return v;
}

function opts<T>(owner: string, o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError(`${owner}: options must be an object, got ${describe(o)}`);
  return o;
}

function checkWeight(owner: string, w: unknown): Tensor {
  if (!(w instanceof Tensor)) throw new ValueError(`${owner}.penalty: w must be a Tensor, got ${describe(w)}`);
  void w.storage;
  return w;
}

/** The regularizers `make` created (see `isBuiltInRegularizer`). */
const BUILT_IN = new WeakSet<object>();

/**
 * Whether `r` was made by `l1`, `l2` or `l1l2` (then its penalty is a fixed function of the weights: no random
 * draws, no state kept between calls), as opposed to a user's Regularizer.
 */
export function isBuiltInRegularizer(r: object): boolean {
  return BUILT_IN.has(r);
}

function make(className: string, a: number, b: number, config: () => Record<string, unknown>): Regularizer {
  const r: Regularizer = {
    className,
    penalty(w: Tensor): Tensor {
      checkWeight(className, w);
      const parts: Tensor[] = [];
      if (a !== 0) parts.push(mulScalar(sum(abs(w)), a));
      if (b !== 0) parts.push(mulScalar(sum(square(w)), b));
      if (parts.length === 0) return mulScalar(sum(w), 0);
      return parts.length === 1 ? parts[0] : add(parts[0], parts[1]);
    },
    getConfig: config,
  };
  BUILT_IN.add(r);
  return r;
}

/** L1 penalty: l1 * sum |w|. Default l1 = 0.01. Takes the factor itself (`l1(1e-4)`) or `{ l1 }`. */
export function l1(options?: number | { l1?: number }): Regularizer {
  const c = coefficient('l1', 'l1', typeof options === 'number' ? options : opts('l1', options).l1 ?? 0.01);
  return make('L1', c, 0, () => ({ l1: c }));
}

/** L2 penalty: l2 * sum w^2. Default l2 = 0.01. Takes the factor itself (`l2(1e-4)`) or `{ l2 }`. */
export function l2(options?: number | { l2?: number }): Regularizer {
  const c = coefficient('l2', 'l2', typeof options === 'number' ? options : opts('l2', options).l2 ?? 0.01);
  return make('L2', 0, c, () => ({ l2: c }));
}

/** L1 + L2 penalty: l1 * sum |w| + l2 * sum w^2. Defaults l1 = 0, l2 = 0 (Keras L1L2). */
export function l1l2(options?: { l1?: number; l2?: number }): Regularizer {
  const o = opts('l1l2', options);
  const a = coefficient('l1l2', 'l1', o.l1 ?? 0);
  const b = coefficient('l1l2', 'l2', o.l2 ?? 0);
  return make('L1L2', a, b, () => ({ l1: a, l2: b }));
}
