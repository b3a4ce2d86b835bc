/** AdamW: Adam with decoupled weight decay (Loshchilov & Hutter). */
import { Adam, type AdamOptions } from './adam';

/**
 * AdamW: p -= lr wd p, then the Adam step on the raw gradient, with Keras's epsilon placement by default
 * (keras/src/optimizers/adamw.py: Adam with weight_decay) or PyTorch's with `convention: 'pytorch'`
 * (torch.optim.AdamW); see `Adam`. Defaults (Keras): learningRate 1e-3, weightDecay 0.004, beta1 0.9,
 * beta2 0.999, epsilon 1e-7 (torch's: weight_decay 0.01, eps 1e-8).
 */
export class AdamW extends Adam {
  override readonly className: string = 'AdamW';
  protected override readonly decoupled: boolean = true;

  constructor(options: AdamOptions = {}) {
    super(options, 'adamw', 0.004);
  }
}

/** A new AdamW optimizer (see `AdamW`). */
export function adamw(options: AdamOptions = {}): AdamW {
  return new AdamW(options);
}
