/** Stochastic gradient descent with optional (Nesterov) momentum. */
import { ValueError, describe } from '../errors';
import { strictOptimizerOptions } from './option-keys';
import { optionKeys } from '../options/strict';
import { Optimizer, checkHyper, type OptimizerOptions, type StepInput, type OptimizerKernelCall } from './optimizer';

/** Options of `sgd`. */
export interface SgdOptions extends OptimizerOptions {
  /** Momentum factor in [0, 1). Default 0. */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
}

const SGD_KEYS = optionKeys<Omit<SgdOptions, keyof OptimizerOptions>>({ momentum: true, nesterov: true });

/**
 * SGD. Keras (default; keras/src/optimizers/sgd.py `update_step`): p -= lr wd p; with momentum
 * v = momentum v - lr g, p += v (Nesterov: p += momentum v - lr g); else p -= lr g.
 * PyTorch (`convention: 'pytorch'`, torch.optim.SGD with dampening 0): g = grad + wd p; with momentum
 * v = momentum v + g and step = v (Nesterov: g + momentum v), else step = g; p -= lr step. The two agree for a
 * constant learning rate and no weight decay. Defaults (Keras): learningRate 0.01, momentum 0, nesterov false,
 * weightDecay 0.
 */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SgdOptions = {}) {
    super('sgd', strictOptimizerOptions('sgd', options, SGD_KEYS), { learningRate: 0.01 });
    this.momentum = checkHyper(options.momentum ?? 0, 'sgd', 'momentum', 0, 1, true);
    const nesterov = options.nesterov ?? false;
    if (typeof nesterov !== 'boolean') throw new ValueError(`sgd: nesterov must be a boolean, got ${describe(nesterov)}`);
    if (nesterov && this.momentum === 0) throw new ValueError('sgd: nesterov needs momentum > 0, got momentum 0');
    this.nesterov = nesterov;
  }

  protected slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected kernelCall({ params, grads, slots, hyper }: StepInput): OptimizerKernelCall {
    return { name: 'sgdStep', args: [params, grads, slots.momentum ?? [], hyper, this.momentum, this.nesterov, this.weightDecay, this.keras] };
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** A new SGD optimizer (see `SGD`). */
export function sgd(options: SgdOptions = {}): SGD {
  return new SGD(options);
}
