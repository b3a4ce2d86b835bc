/** Binary cross-entropy (Keras semantics), from probabilities or from logits. */
import { add, maximum, minimum, mul, sub } from '../ops/binary';
import { log, neg, softplus } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { EPSILON, checkBool, checkOptions, checkPair, checkRange, builtInLoss } from './checks';
import type { Loss } from './loss';
import { meanLastAxis } from './regression';

/** Options of `binaryCrossentropy`. */
export interface BinaryCrossentropyOptions {
  /** yPred holds logits (any real) instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Targets become t (1 - s) + 0.5 s. Default 0. */
  labelSmoothing?: number;
}

/**
 * Binary cross-entropy per sample, mean over the last axis:
 * -(t log p + (1 - t) log(1 - p)) with p = clip(yPred, 1e-7, 1 - 1e-7); from logits x it is the
 * stable form softplus(x) - x t = max(x, 0) - x t + log(1 + exp(-|x|)) (softplus is computed stably). Label smoothing s: t <- t (1 - s) + 0.5 s.
 */
export function binaryCrossentropy(options?: BinaryCrossentropyOptions): Loss {
  const o = checkOptions('binaryCrossentropy', options);
  const fromLogits = checkBool('binaryCrossentropy', 'fromLogits', o.fromLogits ?? false);
  const s = checkRange('binaryCrossentropy', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  return builtInLoss({
    name: 'binaryCrossentropy',
    fromLogits,
    perSample(yTrue: Tensor, yPred: Tensor) {
      checkPair('binaryCrossentropy', yTrue, yPred);
      const t = s > 0 ? add(mul(yTrue, 1 - s), 0.5 * s) : yTrue;
      let elementwise: Tensor;
      if (fromLogits) {
        elementwise = sub(softplus(yPred), mul(yPred, t));
      } else {
        const p = minimum(maximum(yPred, EPSILON), 1 - EPSILON);
        elementwise = neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p)))));
      }
      return meanLastAxis(elementwise);
    },
    getConfig: () => ({ fromLogits, labelSmoothing: s }),
  });
}
