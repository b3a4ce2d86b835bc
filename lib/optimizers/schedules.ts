/**
 * Learning-rate schedules with Keras semantics: evaluated at the optimizer's iteration count (0 at the
 * first step).
 */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';

/** A learning rate as a function of the step (the optimizer's `iterations` before the step). */
export interface LearningRateSchedule {
  readonly className: string;
  /** The learning rate at `step` (>= 0). */
  valueAt(step: number): number;
  getConfig(): Record<string, unknown>;
}

/** A constant learning rate or a schedule. */
export type LearningRate = number | LearningRateSchedule;

function finite(v: unknown, owner: string, arg: string, min = -Infinity, strict = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new ValueError(`${owner}: ${arg} must be a finite number ${strict ? '>' : '>='} ${min}, got ${describe(v)}`);
  }
  return v;
}

/** `o` once it is an object whose keys are all in `keys` (a ValueError naming `owner`, the key and the nearest known one otherwise). */
function options<T>(o: T, owner: string, keys: readonly string[]): T {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError(`${owner}: options must be an object, got ${describe(o)}`);
  checkOptions(owner, o, keys);
  return o;
}

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Default false. */
  staircase?: boolean;
}

const EXPONENTIAL_DECAY_KEYS = optionKeys<ExponentialDecayOptions>({ initialLearningRate: true, decaySteps: true, decayRate: true, staircase: true });

/**
 * Keras ExponentialDecay: lr(step) = initialLearningRate * decayRate ^ (step / decaySteps), with the
 * exponent floored when `staircase`.
 */
export function exponentialDecay(opts: ExponentialDecayOptions): LearningRateSchedule {
  const o = options(opts, 'exponentialDecay', EXPONENTIAL_DECAY_KEYS);
  const lr0 = finite(o.initialLearningRate, 'exponentialDecay', 'initialLearningRate', 0);
  const steps = finite(o.decaySteps, 'exponentialDecay', 'decaySteps', 0, true);
  const rate = finite(o.decayRate, 'exponentialDecay', 'decayRate', 0);
  const staircase = o.staircase ?? false;
  if (typeof staircase !== 'boolean') throw new ValueError(`exponentialDecay: staircase must be a boolean, got ${describe(staircase)}`);
  return {
    className: 'ExponentialDecay',
    valueAt(step) {
      const p = step / steps;
      return lr0 * rate ** (staircase ? Math.floor(p) : p);
    },
    getConfig: () => ({ initialLearningRate: lr0, decaySteps: steps, decayRate: rate, staircase }),
  };
}

/** Options of `cosineDecay`. */
export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Floor as a fraction of the rate the decay starts from (warmupTarget, else initialLearningRate). Default 0. */
  alpha?: number;
  /** The rate a linear warm-up reaches after warmupSteps, where the decay starts. Default none (no warm-up). */
  warmupTarget?: number | null;
  /** Steps of the warm-up (integer >= 0; used with warmupTarget). Default 0. */
  warmupSteps?: number;
}

const COSINE_DECAY_KEYS = optionKeys<CosineDecayOptions>({ initialLearningRate: true, decaySteps: true, alpha: true, warmupTarget: true, warmupSteps: true });

/**
 * Keras 3 CosineDecay (keras/src/optimizers/schedules/learning_rate_schedule.py), with cos(p) = 0.5 (1 + cos(pi p)):
 * without warmupTarget, lr(step) = initialLearningRate ((1 - alpha) cos(min(step, decaySteps) / decaySteps) + alpha);
 * with it, s = min(step, decaySteps + warmupSteps) and lr = initialLearningRate + (warmupTarget - initialLearningRate)
 * s / warmupSteps while s < warmupSteps, then warmupTarget ((1 - alpha) cos((s - warmupSteps) / decaySteps) + alpha).
 */
export function cosineDecay(opts: CosineDecayOptions): LearningRateSchedule {
  const o = options(opts, 'cosineDecay', COSINE_DECAY_KEYS);
  const lr0 = finite(o.initialLearningRate, 'cosineDecay', 'initialLearningRate', 0);
  const steps = finite(o.decaySteps, 'cosineDecay', 'decaySteps', 0, true);
  const alpha = finite(o.alpha ?? 0, 'cosineDecay', 'alpha', 0);
  if (alpha > 1) throw new ValueError(`cosineDecay: alpha must be in [0, 1], got ${alpha}`);
  const target = o.warmupTarget === undefined || o.warmupTarget === null ? null : finite(o.warmupTarget, 'cosineDecay', 'warmupTarget', 0);
  const warmup = finite(o.warmupSteps ?? 0, 'cosineDecay', 'warmupSteps', 0);
  if (!Number.isInteger(warmup)) throw new ValueError(`cosineDecay: warmupSteps must be an integer >= 0, got ${warmup}`);
  const decayed = (from: number, s: number) => from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * (s / steps))) + alpha);
  return {
    className: 'CosineDecay',
    valueAt(step) {
      if (target === null) return decayed(lr0, Math.min(step, steps));
      const s = Math.min(step, steps + warmup);
      return s < warmup ? (target - lr0) * (s / warmup) + lr0 : decayed(target, s - warmup);
    },
    getConfig: () => ({ initialLearningRate: lr0, decaySteps: steps, alpha, warmupTarget: target, warmupSteps: warmup }),
  };
}

/** Options of `polynomialDecay`. */
export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The rate reached after decaySteps. Default 1e-4. */
  endLearningRate?: number;
  /** Exponent of the polynomial. Default 1 (linear). */
  power?: number;
  /** Restart beyond decaySteps, over the first multiple of decaySteps >= step. Default false. */
  cycle?: boolean;
}

const POLYNOMIAL_DECAY_KEYS = optionKeys<PolynomialDecayOptions>({ initialLearningRate: true, decaySteps: true, endLearningRate: true, power: true, cycle: true });

/**
 * Keras 3 PolynomialDecay: lr(step) = (initialLearningRate - endLearningRate) (1 - s / d)^power + endLearningRate
 * with s = min(step, decaySteps), d = decaySteps; with `cycle`, s = step and d = decaySteps ceil(step / decaySteps)
 * (decaySteps at step 0). Defaults: endLearningRate 1e-4, power 1, cycle false.
 */
export function polynomialDecay(opts: PolynomialDecayOptions): LearningRateSchedule {
  const o = options(opts, 'polynomialDecay', POLYNOMIAL_DECAY_KEYS);
  const lr0 = finite(o.initialLearningRate, 'polynomialDecay', 'initialLearningRate', 0);
  const steps = finite(o.decaySteps, 'polynomialDecay', 'decaySteps', 0, true);
  const end = finite(o.endLearningRate ?? 1e-4, 'polynomialDecay', 'endLearningRate', 0);
  const power = finite(o.power ?? 1, 'polynomialDecay', 'power', 0, true);
  const cycle = o.cycle ?? false;
  if (typeof cycle !== 'boolean') throw new ValueError(`polynomialDecay: cycle must be a boolean, got ${describe(cycle)}`);
  return {
    className: 'PolynomialDecay',
    valueAt(step) {
      const d = cycle ? steps * (step === 0 ? 1 : Math.ceil(step / steps)) : steps;
      const s = cycle ? step : Math.min(step, steps);
      return (lr0 - end) * (1 - s / d) ** power + end;
    },
    getConfig: () => ({ initialLearningRate: lr0, decaySteps: steps, endLearningRate: end, power, cycle }),
  };
}

/** Options of `piecewiseConstantDecay`. */
export interface PiecewiseConstantDecayOptions {
  /** Increasing step boundaries. */
  boundaries: number[];
  /** One more value than boundaries. */
  values: number[];
}

const PIECEWISE_KEYS = optionKeys<PiecewiseConstantDecayOptions>({ boundaries: true, values: true });

/**
 * Keras PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[i] while
 * boundaries[i-1] < step <= boundaries[i], values[n] after the last boundary.
 */
export function piecewiseConstantDecay(opts: PiecewiseConstantDecayOptions): LearningRateSchedule {
  const o = options(opts, 'piecewiseConstantDecay', PIECEWISE_KEYS);
  if (!Array.isArray(o.boundaries)) throw new ValueError(`piecewiseConstantDecay: boundaries must be an array of numbers, got ${describe(o.boundaries)}`);
  if (!Array.isArray(o.values) || o.values.length !== o.boundaries.length + 1) {
    throw new ValueError(`piecewiseConstantDecay: values must be an array of ${o.boundaries.length + 1} numbers (one more than boundaries), got ${describe(o.values)}`);
  }
  const boundaries = o.boundaries.map((b, i) => finite(b, 'piecewiseConstantDecay', `boundaries[${i}]`));
  for (let i = 1; i < boundaries.length; i++) {
    if (boundaries[i] <= boundaries[i - 1]) throw new ValueError(`piecewiseConstantDecay: boundaries must increase, got ${boundaries[i - 1]} then ${boundaries[i]}`);
  }
  const values = o.values.map((v, i) => finite(v, 'piecewiseConstantDecay', `values[${i}]`, 0));
  return {
    className: 'PiecewiseConstantDecay',
    valueAt(step) {
      for (let i = 0; i < boundaries.length; i++) if (step <= boundaries[i]) return values[i];
      return values[values.length - 1];
    },
    getConfig: () => ({ boundaries: boundaries.slice(), values: values.slice() }),
  };
}

const SCHEDULES: Record<string, (cfg: never) => LearningRateSchedule> = {
  ExponentialDecay: exponentialDecay,
  CosineDecay: cosineDecay,
  PolynomialDecay: polynomialDecay,
  PiecewiseConstantDecay: piecewiseConstantDecay,
};

/** A schedule from `{ className, config }` (the form `getConfig` of an optimizer stores). */
export function deserializeSchedule(spec: { className: string; config: Record<string, unknown> }): LearningRateSchedule {
  const make = spec && typeof spec === 'object' ? ownValue(SCHEDULES, spec.className) : undefined;
  if (!make) throw new ValueError(`learningRate: schedule className must be one of ${Object.keys(SCHEDULES).join(', ')}, got ${describe(spec?.className)}`);
  return make(spec.config as never);
}

/** Validates a learning rate: a finite number >= 0, a schedule, or a `{ className, config }` of one. */
export function checkLearningRate(lr: unknown, owner: string): LearningRate {
  if (typeof lr === 'number') {
    if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`${owner}: learningRate must be a finite number >= 0, got ${describe(lr)}`);
    return lr;
  }
  if (lr !== null && typeof lr === 'object') {
    const s = lr as Partial<LearningRateSchedule> & { config?: unknown };
    if (typeof s.valueAt === 'function' && typeof s.getConfig === 'function') return lr as LearningRateSchedule;
    if (typeof s.className === 'string' && s.config !== undefined) return deserializeSchedule(lr as never);
  }
  throw new ValueError(`${owner}: learningRate must be a number >= 0 or a schedule, got ${describe(lr)}`);
}
