/** Adam (Kingma & Ba), with the AMSGrad variant. */
import { ValueError, describe } from '../errors';
import { strictOptimizerOptions } from './option-keys';
import { optionKeys } from '../options/strict';
import { Optimizer, checkHyper, type OptimizerOptions, type StepInput, type OptimizerKernelCall } from './optimizer';

/** Options of `adam`. */
export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the root of the second moment (>= 0; where, see `Adam`). Default 1e-7 (Keras; torch's is 1e-8). */
  epsilon?: number;
  /** Use max(v) over steps (Reddi et al.). Default false. */
  amsgrad?: boolean;
}

const ADAM_KEYS = optionKeys<Omit<AdamOptions, keyof OptimizerOptions>>({ beta1: true, beta2: true, epsilon: true, amsgrad: true });

/**
 * Adam at step t (1-based): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2 (with amsgrad v' = the running max
 * of v, else v' = v).
 * - Keras (default; keras/src/optimizers/adam.py `update_step`): p -= lr wd p (decoupled weight decay, Keras's
 *   base_optimizer.py `_apply_weight_decay`); p -= (lr sqrt(1 - b2^t) / (1 - b1^t)) m / (sqrt(v') + epsilon):
 *   epsilon is "epsilon hat", outside the root of the un-corrected v.
 * - PyTorch (`convention: 'pytorch'`, torch.optim.Adam): g = grad + wd p (L2);
 *   p -= lr (m / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + epsilon).
 * Defaults (Keras): learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false, weightDecay 0.
 */
export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  /** Whether weight decay is decoupled (AdamW). */
  protected readonly decoupled: boolean = false;

  constructor(options: AdamOptions = {}, owner = 'adam', defaultWeightDecay = 0) {
    super(owner, strictOptimizerOptions(owner, options, ADAM_KEYS), { learningRate: 1e-3, weightDecay: defaultWeightDecay });
    this.beta1 = checkHyper(options.beta1 ?? 0.9, owner, 'beta1', 0, 1, true);
    this.beta2 = checkHyper(options.beta2 ?? 0.999, owner, 'beta2', 0, 1, true);
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, owner, 'epsilon');
    const amsgrad = options.amsgrad ?? false;
    if (typeof amsgrad !== 'boolean') throw new ValueError(`${owner}: amsgrad must be a boolean, got ${describe(amsgrad)}`);
    this.amsgrad = amsgrad;
  }

  protected slotNames(): string[] {
    return this.amsgrad ? ['m', 'v', 'vmax'] : ['m', 'v'];
  }

  protected kernelCall({ params, grads, slots, hyper }: StepInput): OptimizerKernelCall {
    return {
      name: 'adamStep',
      args: [params, grads, slots.m, slots.v, slots.vmax ?? [], hyper, this.beta1, this.beta2, this.epsilon, this.weightDecay,
        this.decoupled || this.keras, this.keras],
    };
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/** A new Adam optimizer (see `Adam`). */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}
