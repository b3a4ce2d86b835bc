/**
 * Cosine similarity and log-cosh (Keras 3 formulas, keras/src/losses/losses.py `cosine_similarity`, `log_cosh`),
 * per sample over the last axis.
 */
import { add, div, maximum, mul, sub } from '../ops/binary';
import { sum } from '../ops/reduce';
import { mulScalar, neg, softplus, sqrt, square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { EPSILON, optionlessLoss } from './checks';
import type { Loss } from './loss';
import { sumLastAxis } from './probabilistic';
import { meanLastAxis } from './regression';

/** x / max(||x||, 1e-7) over the last axis (Keras 3 `ops.normalize`, order 2). */
export function l2NormalizeLastAxis(x: Tensor): Tensor {
  if (x.rank === 1) return div(x, maximum(sqrt(square(x)), EPSILON));
  return div(x, maximum(sqrt(sum(square(x), -1, true)), EPSILON));
}

/**
 * Cosine similarity loss per sample: -sum_j t^_j p^_j with t^ and p^ the L2-normalized targets and
 * predictions (Keras 3 `cosine_similarity`): -1 for the same direction, 0 when either is a zero vector.
 */
export function cosineSimilarity(): Loss {
  return optionlessLoss('cosineSimilarity', (yTrue, yPred) => neg(sumLastAxis(mul(l2NormalizeLastAxis(yTrue), l2NormalizeLastAxis(yPred)))));
}

/**
 * Log-cosh loss per sample: mean_j log(cosh(e_j)), e = yPred - yTrue, computed as e + softplus(-2 e) - log 2
 * (Keras 3 `log_cosh`; no overflow for large |e|).
 */
export function logCosh(): Loss {
  return optionlessLoss('logCosh', (yTrue, yPred) => {
    const e = sub(yPred, yTrue);
    return meanLastAxis(sub(add(e, softplus(mulScalar(e, -2))), Math.LN2));
  });
}
