/** Adagrad (Duchi et al.). */
import { strictOptimizerOptions } from './option-keys';
import { optionKeys } from '../options/strict';
import { Optimizer, checkHyper, type OptimizerOptions, type StepInput, type OptimizerKernelCall } from './optimizer';

/** Options of `adagrad`. */
export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulator (>= 0). Default 0.1 (Keras; torch's default is 0), in both conventions. */
  initialAccumulatorValue?: number;
  /** Added inside the root (Keras) or to it (PyTorch) (>= 0). Default 1e-7 (Keras; torch's is 1e-10). */
  epsilon?: number;
}

const ADAGRAD_KEYS = optionKeys<Omit<AdagradOptions, keyof OptimizerOptions>>({ initialAccumulatorValue: true, epsilon: true });

/**
 * Adagrad, acc starting at initialAccumulatorValue.
 * - Keras (default; keras/src/optimizers/adagrad.py `update_step`): p -= lr wd p (decoupled);
 *   acc += g^2; p -= lr g / sqrt(acc + epsilon).
 * - PyTorch (`convention: 'pytorch'`, torch.optim.Adagrad with lr_decay 0): g = grad + wd p; acc += g^2;
 *   p -= lr g / (sqrt(acc) + epsilon).
 * Defaults (Keras): learningRate 1e-3, initialAccumulatorValue 0.1, epsilon 1e-7, weightDecay 0.
 */
export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super('adagrad', strictOptimizerOptions('adagrad', options, ADAGRAD_KEYS), { learningRate: 1e-3 });
    this.initialAccumulatorValue = checkHyper(options.initialAccumulatorValue ?? 0.1, 'adagrad', 'initialAccumulatorValue');
    this.epsilon = checkHyper(options.epsilon ?? 1e-7, 'adagrad', 'epsilon');
  }

  protected slotNames(): string[] {
    return ['accumulator'];
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected kernelCall({ params, grads, slots, hyper }: StepInput): OptimizerKernelCall {
    return { name: 'adagradStep', args: [params, grads, slots.accumulator, hyper, this.epsilon, this.weightDecay, this.keras] };
  }

  protected ownConfig(): Record<string, unknown> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/** A new Adagrad optimizer (see `Adagrad`). */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}
