/** Constant and plain random initializers (Keras defaults). */
import { ValueError, describe } from '../errors';
import * as creation from '../ops/creation';
import { checkShape } from '../tensor/shape';
import type { Initializer } from './initializer';

/** Validates an options object. */
export function initOptions<T extends object>(owner: string, o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError(`${owner}: options must be an object, got ${describe(o)}`);
  return o;
}

/** Validates a finite number. */
export function finiteOption(owner: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${owner}: ${arg} must be a finite number, got ${describe(v)}`);
  return v;
}

/** Validates an optional seed (a finite number) and returns it. */
export function seedOption(owner: string, v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : finiteOption(owner, 'seed', v);
}

/** Validates the shape passed to `init`. */
export function initShape(owner: string, shape: unknown): number[] {
  return checkShape(shape, `${owner}.init: shape`);
}

/** All zeros. */
export function zeros(): Initializer {
  return { className: 'Zeros', init: (shape) => creation.zeros(initShape('zeros', shape)), getConfig: () => ({}) };
}

/** All ones. */
export function ones(): Initializer {
  return { className: 'Ones', init: (shape) => creation.ones(initShape('ones', shape)), getConfig: () => ({}) };
}

/** Every element equal to `value` (required, finite). */
export function constant(options: { value: number }): Initializer {
  const o = initOptions('constant', options);
  const value = finiteOption('constant', 'value', o.value);
  return { className: 'Constant', init: (shape) => creation.fill(initShape('constant', shape), value), getConfig: () => ({ value }) };
}

/**
 * Samples of N(mean, stddev^2). Defaults mean 0, stddev 0.05 (Keras). With a seed every `init` gives the
 * same values; without one they come from the global generator (`setSeed`).
 */
export function randomNormal(options?: { mean?: number; stddev?: number; seed?: number }): Initializer {
  const o = initOptions('randomNormal', options);
  const mean = finiteOption('randomNormal', 'mean', o.mean ?? 0);
  const stddev = finiteOption('randomNormal', 'stddev', o.stddev ?? 0.05);
  if (stddev < 0) throw new ValueError(`randomNormal: stddev must be >= 0, got ${stddev}`);
  const seed = seedOption('randomNormal', o.seed);
  return {
    className: 'RandomNormal',
    init: (shape) => creation.randomNormal(initShape('randomNormal', shape), { mean, stddev, seed }),
    getConfig: () => ({ mean, stddev, seed: seed ?? null }),
  };
}

/** Samples of U[minval, maxval). Defaults -0.05, 0.05 (Keras). Seeded like `randomNormal`. */
export function randomUniform(options?: { minval?: number; maxval?: number; seed?: number }): Initializer {
  const o = initOptions('randomUniform', options);
  const minval = finiteOption('randomUniform', 'minval', o.minval ?? -0.05);
  const maxval = finiteOption('randomUniform', 'maxval', o.maxval ?? 0.05);
  if (maxval < minval) throw new ValueError(`randomUniform: maxval (${maxval}) must be >= minval (${minval})`);
  const seed = seedOption('randomUniform', o.seed);
  return {
    className: 'RandomUniform',
    init: (shape) => creation.randomUniform(initShape('randomUniform', shape), { minval, maxval, seed }),
    getConfig: () => ({ minval, maxval, seed: seed ?? null }),
  };
}
