/** The Regularizer contract and `getRegularizer`. */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { l1, l1l2, l2 } from './l1l2';

/** A weight penalty added to the loss (Keras semantics). */
export interface Regularizer {
  /** 'L1', 'L2' or 'L1L2' (Keras class names). */
  readonly className: string;
  /** The penalty of a weight tensor, a scalar tensor (differentiable in w). */
  penalty(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

const BY_NAME: Record<string, (cfg?: Record<string, unknown>) => Regularizer> = {
  l1: (c) => l1(c as never),
  l2: (c) => l2(c as never),
  l1l2: (c) => l1l2(c as never),
  L1: (c) => l1(c as never),
  L2: (c) => l2(c as never),
  L1L2: (c) => l1l2(c as never),
};

function isRegularizer(x: unknown): x is Regularizer {
  return x !== null && typeof x === 'object' && typeof (x as Regularizer).penalty === 'function';
}

/**
 * A Regularizer from a name ('l1', 'l2', 'l1l2' with Keras defaults), a `{ className, config }`
 * (as stored by layers' configs), or a Regularizer (returned as is).
 */
export function getRegularizer(id: string | Regularizer | { className: string; config?: Record<string, unknown> }): Regularizer {
  if (typeof id === 'string') {
    const make = ownValue(BY_NAME, id);
    if (!make) throw new ValueError(`getRegularizer: id must be one of l1, l2, l1l2 or a Regularizer, got ${describe(id)}`);
    return make();
  }
  if (isRegularizer(id)) return id;
  if (id !== null && typeof id === 'object' && typeof (id as { className?: unknown }).className === 'string') {
    const spec = id as { className: string; config?: Record<string, unknown> };
    const make = ownValue(BY_NAME, spec.className);
    if (!make) throw new ValueError(`getRegularizer: className must be one of L1, L2, L1L2, got ${describe(spec.className)}`);
    return make(spec.config ?? {});
  }
  throw new ValueError(`getRegularizer: id must be a name, a Regularizer or { className, config }, got ${describe(id)}`);
}
