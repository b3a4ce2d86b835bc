/** Binary cross-entropy (Keras semantics), from probabilities or from logits. */
import { add, maximum, minimum, mul, sub } from '../ops/binary';
import { meanSigmoidCrossEntropy, sigmoidCrossEntropy } from '../ops/fused';
import { log, neg } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { EPSILON, checkBool, checkOptions, checkPair, checkRange, checkUnitLabels, builtInLoss, labelsPrevalidated } from './checks';
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
 * stable form softplus(x) - x t = max(x, 0) - x t + log(1 + exp(-|x|)), the fused `sigmoidCrossEntropy` op.
 * Label smoothing s: t <- t (1 - s) + 0.5 s. Labels must lie in [0, 1] (0/1 classes or probabilities):
 * others are a ValueError (read on the host, except inside fit/evaluate, which check them once).
 */
export function binaryCrossentropy(options?: BinaryCrossentropyOptions): Loss {
  const o = checkOptions('binaryCrossentropy', options);
  const fromLogits = checkBool('binaryCrossentropy', 'fromLogits', o.fromLogits ?? false);
  const s = checkRange('binaryCrossentropy', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  /** The checked targets, smoothed. */
  const targets = (yTrue: Tensor, yPred: Tensor): Tensor => {
    checkPair('binaryCrossentropy', yTrue, yPred);
    if (!labelsPrevalidated()) checkUnitLabels('binaryCrossentropy', 'yTrue', yTrue.dataSync());
    return s > 0 ? add(mul(yTrue, 1 - s), 0.5 * s) : yTrue;
  };
  const loss: Loss = {
    name: 'binaryCrossentropy',
    fromLogits,
    perSample(yTrue: Tensor, yPred: Tensor) {
      const t = targets(yTrue, yPred);
      if (fromLogits) return meanLastAxis(sigmoidCrossEntropy(yPred, t));
      const p = minimum(maximum(yPred, EPSILON), 1 - EPSILON);
      return meanLastAxis(neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p))))));
    },
    getConfig: () => ({ fromLogits, labelSmoothing: s }),
  };
  // Every sample has the same number of outputs, so the mean of the per-sample means is the mean of all elements.
  if (fromLogits) loss.batchMean = (yTrue, yPred) => meanSigmoidCrossEntropy(yPred, targets(yTrue, yPred));
  return builtInLoss(loss);
}
