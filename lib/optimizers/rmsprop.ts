/** RMSprop (Hinton), optionally centered and with momentum. */
import { ValueError, describe } from '../errors';
import { strictOptimizerOptions } from './option-keys';
import { optionKeys } from '../options/strict';
import { Optimizer, checkHyper, type OptimizerOptions, type StepInput, type OptimizerKernelCall } from './optimizer';

/** Options of `rmsprop`. */
export interface RmspropOptions extends OptimizerOptions {
  /** Decay of the squared-gradient average, in [0, 1). Default 0.9. */
  rho?: number;
  /** Momentum in [0, 1). Default 0. */
  momentum?: number;
  /** Added inside the root (Keras) or to it (PyTorch) (>= 0). Default 1e-7 (Keras; torch's is 1e-8). */
  epsilon?: number;
  /** Divide by the estimated variance instead of the second moment. Default false. */
  centered?: boolean;
}

const RMSPROP_KEYS = optionKeys<Omit<RmspropOptions, keyof OptimizerOptions>>({ rho: true, momentum: true, epsilon: true, centered: true });

/**
 * RMSprop: sq = rho sq + (1 - rho) g^2; var = sq, or with centered (mg = rho mg + (1 - rho) g) var = sq - mg^2.
 * - Keras (default; keras/src/optimizers/rmsprop.py `update_step`): p -= lr wd p (decoupled);
 *   inc = lr g / sqrt(var + eps); with momentum buf = momentum buf + inc, p -= buf; else p -= inc.
 * - PyTorch (`convention: 'pytorch'`, torch.optim.RMSprop with alpha = rho): g = grad + wd p;
 *   inc = g / (sqrt(var) + eps); with momentum buf = momentum buf + inc, p -= lr buf; else p -= lr inc.
 * Defaults (Keras): learningRate 1e-3, rho 0.9, momentum 0, epsilon 1e-7, centered false, weightDecay 0.
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RmspropOptions = {}) {
    super('rmsprop', strictOptimizerOptions('rmsprop', options, RMSPROP_KEYS), { learningRate: 1e-3 });
    this.rho = checkHyper(options.rho ?? 0.9, 'rmsprop', 'rho', 0, 1, true);
    this.momentum = checkHyper(options.momentum ?? 0, 'rmsprop', 'momentum', 0, 1, true);
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'rmsprop', 'epsilon');
    const centered = options.centered ?? false;
    if (typeof centered !== 'boolean') throw new ValueError(`rmsprop: centered must be a boolean, got ${describe(centered)}`);
    this.centered = centered;
  }

  protected slotNames(): string[] {
    const names = ['rms'];
    if (this.centered) names.push('mg');
    if (this.momentum > 0) names.push('momentum');
    return names;
  }

  protected kernelCall({ params, grads, slots, hyper }: StepInput): OptimizerKernelCall {
    return {
      name: 'rmspropStep',
      args: [params, grads, slots.rms, slots.mg ?? [], slots.momentum ?? [], hyper, this.rho, this.momentum, this.epsilon, this.centered, this.weightDecay,
        this.keras],
    };
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/** A new RMSprop optimizer (see `RMSprop`). */
export function rmsprop(options: RmspropOptions = {}): RMSprop {
  return new RMSprop(options);
}
