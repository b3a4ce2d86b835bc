/**
 * Hinge losses for -1/1 targets (Keras 3 formulas, keras/src/losses/losses.py `hinge`, `squared_hinge`): 0/1
 * targets are first mapped to -1/1 (`convert_binary_labels_to_hinge`) when every target of the batch is 0 or 1.
 */
import { add, equal, maximum, mul, sub } from '../ops/binary';
import { max } from '../ops/reduce';
import { square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { optionlessLoss } from './checks';
import type { Loss } from './loss';
import { meanLastAxis } from './regression';

/**
 * Keras's label conversion, computed on the backend without a host read (so a training step with it is
 * recorded and replayed): 2 t - 1 when every element of t is 0 or 1, else t. binary = 1 - max(1 - [t = 0] - [t = 1]).
 */
export function hingeTargets(yTrue: Tensor): Tensor {
  const notBinary = max(sub(1, add(equal(yTrue, 0), equal(yTrue, 1))));
  return add(yTrue, mul(sub(1, notBinary), sub(yTrue, 1)));
}

/** max(1 - t * p, 0) elementwise, with Keras's target conversion. */
function margins(yTrue: Tensor, yPred: Tensor): Tensor {
  return maximum(sub(1, mul(hingeTargets(yTrue), yPred)), 0);
}

/** Hinge loss per sample: mean_j max(1 - t_j p_j, 0), t in {-1, 1} (0/1 targets converted, see `hingeTargets`). */
export function hinge(): Loss {
  return optionlessLoss('hinge', (yTrue, yPred) => meanLastAxis(margins(yTrue, yPred)));
}

/** Squared hinge loss per sample: mean_j max(1 - t_j p_j, 0)^2, t in {-1, 1} (0/1 targets converted). */
export function squaredHinge(): Loss {
  return optionlessLoss('squaredHinge', (yTrue, yPred) => meanLastAxis(square(margins(yTrue, yPred))));
}
