/** Argument checks shared by the losses and metrics. */
import { ShapeError, ValueError, describe } from '../errors';
import { shapesEqual } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';

/** The Loss objects the library's own factories made (see `isBuiltInLoss`). */
const BUILT_IN_LOSSES = new WeakSet<object>();

/** Marks a loss made by one of the library's factories and returns it. */
export function builtInLoss<T extends object>(loss: T): T {
  BUILT_IN_LOSSES.add(loss);
  return loss;
}

/**
 * Whether `loss` was made by one of the library's loss factories (then its value is a fixed function of the
 * targets and predictions: no random draws, no state kept between calls), as opposed to a user's Loss.
 */
export function isBuiltInLoss(loss: object): boolean {
  return BUILT_IN_LOSSES.has(loss);
}

/**
 * A built-in loss without options: `perSample(yTrue, yPred)` after `checkPair`, no logits, an empty config. The
 * type is structural (lib/losses/loss.ts's Loss) to keep this file free of imports from the losses.
 */
export function optionlessLoss(name: string, perSample: (yTrue: Tensor, yPred: Tensor) => Tensor): {
  name: string; fromLogits: false; perSample(yTrue: Tensor, yPred: Tensor): Tensor; getConfig(): Record<string, unknown>;
} {
  return builtInLoss({
    name,
    fromLogits: false,
    perSample(yTrue: Tensor, yPred: Tensor) {
      checkPair(name, yTrue, yPred);
      return perSample(yTrue, yPred);
    },
    getConfig: () => ({}),
  });
}

/** Throws unless yTrue and yPred are live tensors of the same shape and rank >= 1. */
export function checkPair(owner: string, yTrue: unknown, yPred: unknown): void {
  checkLive(owner, 'yTrue', yTrue);
  checkLive(owner, 'yPred', yPred);
  const t = yTrue as Tensor;
  const p = yPred as Tensor;
  if (p.rank < 1) throw new ShapeError(`${owner}: yPred must have rank >= 1 ([batch, ...]), got shape []`);
  if (!shapesEqual(t.shape, p.shape)) {
    throw new ShapeError(`${owner}: yTrue and yPred must have the same shape, got yTrue [${t.shape.join(', ')}] and yPred [${p.shape.join(', ')}]`);
  }
}

/** Throws unless x is a live Tensor. */
export function checkLive(owner: string, arg: string, x: unknown): void {
  if (!(x instanceof Tensor)) throw new ValueError(`${owner}: ${arg} must be a Tensor, got ${describe(x)}`);
  void x.storage;
}

/** Validates an options object (undefined gives {}). */
export function checkOptions<T extends object>(owner: string, o: T | undefined): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ValueError(`${owner}: options must be an object, got ${describe(o)}`);
  return o;
}

/** Validates a boolean option. */
export function checkBool(owner: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${owner}: ${arg} must be a boolean, got ${describe(v)}`);
  return v;
}

/** Validates a number in [min, max]. */
export function checkRange(owner: string, arg: string, v: unknown, min: number, max: number, strictMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strictMin ? v <= min : v < min) || v > max) {
    throw new ValueError(`${owner}: ${arg} must be a finite number in ${strictMin ? '(' : '['}${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

/** Probability clip bound of the cross-entropies (Keras epsilon). */
export const EPSILON = 1e-7;

let prevalidated = 0;

/**
 * Runs `fn` with the host-side checks of label values skipped (shapes are still checked). For callers
 * that validated every label once beforehand, as `fit` and `evaluate` do: reading the labels on the host each
 * batch would make a GPU wait for every batch and keeps a training step from being replayed.
 */
export function withPrevalidatedLabels<T>(fn: () => T): T {
  prevalidated++;
  try {
    return fn();
  } finally {
    prevalidated--;
  }
}

/** True inside {@link withPrevalidatedLabels}. */
export function labelsPrevalidated(): boolean {
  return prevalidated > 0;
}

/**
 * Throws a ValueError naming the first label outside [0, 1] (0/1 classes and probabilities in between
 * are fine): the labels of binary and categorical cross-entropy and of the binary metrics. Only values[from, to)
 * are read (default: all of them), so that a long check can be split into parts.
 */
export function checkUnitLabels(owner: string, arg: string, values: ArrayLike<number>, from = 0, to = values.length): void {
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) throw new ValueError(`${owner}: ${arg}[${i}] = ${describe(v)} is not a label in [0, 1] (a 0/1 class or a probability)`);
  }
}
