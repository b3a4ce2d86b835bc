/**
 * Which framework's update formulas an optimizer follows. The defaults of every hyper-parameter are Keras 3's
 * in both conventions (set them to get PyTorch's); only the formulas change.
 *
 * | optimizer | `'keras'` (default; keras/src/optimizers/*.py `update_step`) | `'pytorch'` (torch/optim/*.py) |
 * | --- | --- | --- |
 * | all | weightDecay is decoupled: p -= lr * wd * p before the update (base_optimizer.py `_apply_weight_decay`) | weightDecay is L2: g += wd * p (adamw: decoupled) |
 * | sgd | momentum buffer holds lr-scaled steps: v = mu v - lr g, p += v; nesterov p += mu v - lr g | v = mu v + g, p -= lr v; nesterov p -= lr (g + mu v) |
 * | adam, adamw | p -= (lr sqrt(1 - b2^t) / (1 - b1^t)) m / (sqrt(v) + eps): epsilon outside the un-corrected root ("epsilon hat") | p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) |
 * | adagrad | p -= lr g / sqrt(acc + eps): epsilon inside the root | p -= lr g / (sqrt(acc) + eps) |
 * | rmsprop | p -= lr g / sqrt(var + eps); momentum buffer holds lr-scaled steps: buf = mu buf + lr g / sqrt(var + eps), p -= buf | p -= lr g / (sqrt(var) + eps); buf = mu buf + g / (sqrt(var) + eps), p -= lr buf |
 *
 * With a constant learning rate SGD's two forms give the same steps; they differ once a schedule changes lr.
 * PyTorch's own defaults that differ from Keras's: sgd lr 1e-3 (no default in torch < 2.2), adam/adamw eps 1e-8,
 * adamw weightDecay 0.01, adagrad lr 0.01, initialAccumulatorValue 0, epsilon 1e-10, rmsprop lr 0.01, rho
 * (torch's alpha) 0.99, epsilon 1e-8.
 */
import { ValueError, describe } from '../errors';

/** The formulas an optimizer follows: Keras 3's (default) or PyTorch's (see the table of this file). */
export type OptimizerConvention = 'keras' | 'pytorch';

/** The convention in `value` (default 'keras'); a ValueError naming `owner` for anything else. */
export function checkConvention(value: unknown, owner: string): OptimizerConvention {
  if (value === undefined) return 'keras';
  if (value === 'keras' || value === 'pytorch') return value;
  throw new ValueError(`${owner}: convention must be 'keras' or 'pytorch', got ${describe(value)}`);
}
