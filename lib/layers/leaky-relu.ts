/** The LeakyReLU layer (Keras's LeakyReLU, keras/src/layers/activations/leaky_relu.py). */
import { ValueError, describe } from '../errors';
import { leakyRelu as leakyReluOp } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `leakyRelu()`. */
export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0, finite and >= 0 (Keras 3's `negative_slope`). Default 0.3, as Keras's LeakyReLU layer. */
  alpha?: number;
}

/**
 * y = x for x >= 0, alpha * x for x < 0, elementwise. Defaults: alpha 0.3 (the Keras 3 layer's default; the
 * activation function `my.activations.leakyRelu` and the activation name 'leakyRelu' default to 0.2, as Keras 3's
 * `keras.activations.leaky_relu`).
 */
export class LeakyReLU extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<LeakyReLUArgs, keyof LayerArgs>>({ alpha: true });
  readonly className = 'LeakyReLU';
  /** The slope for negative inputs. */
  readonly alpha: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args, 'LeakyReLU');
    const alpha = args.alpha ?? 0.3;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) {
      throw new ValueError(`${this.name}: alpha must be a finite number >= 0, got ${describe(alpha)}`);
    }
    this.alpha = alpha;
  }

  call(x: Tensor): Tensor {
    return leakyReluOp(x, this.alpha);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === LeakyReLU;
  }
}

/** A `LeakyReLU` layer: `leakyRelu({ alpha: 0.1 })`. */
export function leakyRelu(args: LeakyReLUArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}
