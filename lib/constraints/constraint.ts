/**
 * Weight constraints (Keras 3, keras/src/constraints/constraints.py): functions that project a weight after each
 * optimizer step. A layer's `kernelConstraint` / `biasConstraint` is attached to its Variable (`Variable.constraint`)
 * and every optimizer applies it right after its update, as Keras's optimizer does. Written in ops, so the
 * projection runs on the weight's backend.
 */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import { add, div, greater, equal, maximum, minimum, mul } from '../ops/binary';
import { sum } from '../ops/reduce';
import { sqrt, square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';

/** A projection of a weight, with a config that round-trips through `getConstraint`. */
export interface Constraint {
  /** 'MaxNorm', 'NonNeg', 'UnitNorm' (the Keras class names). */
  readonly className: string;
  /** The constrained value of `w` (same shape). */
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

const EPSILON = 1e-7; // keras.backend.epsilon()

/** The axes option: an integer or a list of them, each in [-rank, rank) once applied. */
function checkAxis(owner: string, axis: unknown): number | number[] {
  const ok = (a: unknown) => typeof a === 'number' && Number.isInteger(a);
  if (ok(axis) || (Array.isArray(axis) && axis.length > 0 && axis.every(ok))) return axis as number | number[];
  throw new ValueError(`${owner}: axis must be an integer or a non-empty array of integers, got ${describe(axis)}`);
}

/** sqrt(sum of squares over `axis`), keeping the reduced axes. */
function norms(w: Tensor, axis: number | number[]): Tensor {
  return sqrt(sum(square(w), axis, true));
}

/** Options of `maxNorm`. */
export interface MaxNormOptions {
  /** The largest norm allowed (> 0). Default 2. */
  maxValue?: number;
  /** The axes the norm is taken over. Default 0 (each column of a dense kernel [in, out] is one unit's weights). */
  axis?: number | number[];
}

/**
 * Keras MaxNorm: w * clip(n, 0, maxValue) / (1e-7 + n), n = ||w|| over `axis`: the weights of each unit are scaled
 * down to a norm of at most maxValue. Defaults: maxValue 2, axis 0.
 */
export function maxNorm(options: MaxNormOptions = {}): Constraint {
  if (options === null || typeof options !== 'object') throw new ValueError(`maxNorm: options must be an object, got ${describe(options)}`);
  const maxValue = options.maxValue ?? 2;
  if (typeof maxValue !== 'number' || !Number.isFinite(maxValue) || maxValue <= 0) throw new ValueError(`maxNorm: maxValue must be a finite number > 0, got ${describe(maxValue)}`);
  const axis = checkAxis('maxNorm', options.axis ?? 0);
  return {
    className: 'MaxNorm',
    apply(w) {
      const n = norms(w, axis);
      return mul(w, div(minimum(maximum(n, 0), maxValue), add(n, EPSILON)));
    },
    getConfig: () => ({ maxValue, axis }),
  };
}

/** Keras NonNeg: w * (w >= 0), negative weights become 0. */
export function nonNeg(): Constraint {
  return {
    className: 'NonNeg',
    apply: (w) => mul(w, add(greater(w, 0), equal(w, 0))),
    getConfig: () => ({}),
  };
}

/** Options of `unitNorm`. */
export interface UnitNormOptions {
  /** The axes the norm is taken over. Default 0. */
  axis?: number | number[];
}

/** Keras UnitNorm: w / (1e-7 + ||w||) over `axis`. Default axis 0. */
export function unitNorm(options: UnitNormOptions = {}): Constraint {
  if (options === null || typeof options !== 'object') throw new ValueError(`unitNorm: options must be an object, got ${describe(options)}`);
  const axis = checkAxis('unitNorm', options.axis ?? 0);
  return {
    className: 'UnitNorm',
    apply: (w) => div(w, add(norms(w, axis), EPSILON)),
    getConfig: () => ({ axis }),
  };
}

const BY_NAME: Record<string, (cfg: Record<string, unknown>) => Constraint> = {
  maxNorm: (c) => maxNorm(c as MaxNormOptions),
  MaxNorm: (c) => maxNorm(c as MaxNormOptions),
  nonNeg: () => nonNeg(),
  NonNeg: () => nonNeg(),
  unitNorm: (c) => unitNorm(c as UnitNormOptions),
  UnitNorm: (c) => unitNorm(c as UnitNormOptions),
};

function isConstraint(x: unknown): x is Constraint {
  return x !== null && typeof x === 'object' && typeof (x as Constraint).apply === 'function' && typeof (x as Constraint).className === 'string';
}

/**
 * A constraint from a name ('maxNorm', 'nonNeg', 'unitNorm', or the Keras class names, with defaults), a
 * `{ className, config }` as a layer config stores it, or a Constraint (returned as is).
 */
export function getConstraint(id: string | Constraint | { className: string; config?: Record<string, unknown> }): Constraint {
  if (isConstraint(id)) return id;
  if (typeof id === 'string') {
    const make = ownValue(BY_NAME, id);
    if (!make) throw new ValueError(`getConstraint: id must be one of maxNorm, nonNeg, unitNorm, got ${describe(id)}`);
    return make({});
  }
  if (id !== null && typeof id === 'object' && typeof (id as { className?: unknown }).className === 'string') {
    const make = ownValue(BY_NAME, id.className);
    if (!make) throw new ValueError(`getConstraint: className must be one of MaxNorm, NonNeg, UnitNorm, got ${describe(id.className)}`);
    const cfg = id.config ?? {};
    if (cfg === null || typeof cfg !== 'object') throw new ValueError(`getConstraint: config must be an object, got ${describe(cfg)}`);
    return make(cfg);
  }
  throw new ValueError(`getConstraint: id must be a constraint name, a Constraint or { className, config }, got ${describe(id)}`);
}
