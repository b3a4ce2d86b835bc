/** An identity whose gradient is scaled: the loss scaling of mixed_float16 (lib/optimizers/loss-scale-optimizer.ts). */
import { noGrad, record } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { mul } from './binary';
import { checkTensor } from './checks';
import { clone } from './reshape';

/**
 * scaleGradient(x, factor) = x (a copy); its gradient is dx = dy * factor. `factor` is a scalar tensor read when
 * the gradient runs, so a recorded step that replays it uses the factor's current value (the loss scale S: the
 * backward pass then computes the gradients of S * loss while the value stays the loss).
 */
export function scaleGradient(x: Tensor, factor: Tensor): Tensor {
  checkTensor(x, 'scaleGradient', 'x');
  checkTensor(factor, 'scaleGradient', 'factor');
  const y = noGrad(() => clone(x));
  record('scaleGradient', [x], y, (dy) => [mul(dy, factor)]);
  return y;
}
