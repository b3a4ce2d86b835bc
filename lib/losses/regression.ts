/** Regression losses: mean squared error, mean absolute error, Huber (Keras formulas, mean over the last axis). */
import { add, minimum, mul, sub } from '../ops/binary';
import { mean } from '../ops/reduce';
import { abs, mulScalar, square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { checkOptions, checkPair, checkRange, builtInLoss } from './checks';
import type { Loss } from './loss';

/** Mean over the last axis; a rank-1 input is one value per sample and is returned as is. */
export function meanLastAxis(x: Tensor): Tensor {
  return x.rank === 1 ? x : mean(x, -1);
}

/** Mean squared error per sample: mean_j (yPred_j - yTrue_j)^2 over the last axis. */
export function meanSquaredError(): Loss {
  return builtInLoss({
    name: 'meanSquaredError',
    fromLogits: false,
    perSample(yTrue, yPred) {
      checkPair('meanSquaredError', yTrue, yPred);
      return meanLastAxis(square(sub(yPred, yTrue)));
    },
    getConfig: () => ({}),
  });
}

/** Mean absolute error per sample: mean_j |yPred_j - yTrue_j| over the last axis. */
export function meanAbsoluteError(): Loss {
  return builtInLoss({
    name: 'meanAbsoluteError',
    fromLogits: false,
    perSample(yTrue, yPred) {
      checkPair('meanAbsoluteError', yTrue, yPred);
      return meanLastAxis(abs(sub(yPred, yTrue)));
    },
    getConfig: () => ({}),
  });
}

/** Options of `huber`. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear (> 0). Default 1. */
  delta?: number;
}

/**
 * Huber loss per sample (Keras): with e = yPred - yTrue, 0.5 e^2 where |e| <= delta, else
 * delta (|e| - 0.5 delta); mean over the last axis. Computed as 0.5 q^2 + delta (|e| - q), q = min(|e|, delta).
 */
export function huber(options?: HuberOptions): Loss {
  const o = checkOptions('huber', options);
  const delta = checkRange('huber', 'delta', o.delta ?? 1, 0, Infinity, true);
  return builtInLoss({
    name: 'huber',
    fromLogits: false,
    perSample(yTrue, yPred) {
      checkPair('huber', yTrue, yPred);
      const a = abs(sub(yPred, yTrue));
      const q = minimum(a, delta);
      return meanLastAxis(add(mulScalar(square(q), 0.5), mul(sub(a, q), delta)));
    },
    getConfig: () => ({ delta }),
  });
}
