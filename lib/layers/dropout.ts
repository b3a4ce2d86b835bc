/** The Dropout layer (inverted dropout). */
import { ValueError, describe } from '../errors';
import { mul } from '../ops/binary';
import { tensor } from '../ops/creation';
import { Random, generatorFor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';

/** Options of `dropout()`. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs set to zero during training, in [0, 1). Required. */
  rate: number;
  /** Seed of the layer's own mask generator; without one the global generator (`setSeed`) is used. */
  seed?: number;
}

/**
 * In training, y = x * m / (1 - rate) with m_i ~ Bernoulli(1 - rate) drawn afresh for each call; at
 * inference y = x (the identity). Masks come from the layer's seeded generator when `seed` is given.
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  /** Fraction dropped. */
  readonly rate: number;
  /** The seed, if any. */
  readonly seed: number | undefined;
  private readonly rng: Random | null;

  constructor(args: DropoutArgs) {
    super(args, 'Dropout');
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) throw new ValueError(`dropout: rate must be a number in [0, 1), got ${describe(args.rate)}`);
    if (args.seed !== undefined && (typeof args.seed !== 'number' || !Number.isFinite(args.seed))) throw new ValueError(`dropout: seed must be a finite number, got ${describe(args.seed)}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.rng = args.seed === undefined ? null : generatorFor(args.seed);
  }

  call(x: Tensor, training: boolean): Tensor {
    if (!training || this.rate === 0) return x;
    return mul(x, this.mask(x.shape.slice()));
  }

  /** @internal A mask of 0 and 1 / (1 - rate) values for the next training call. */
  mask(shape: number[]): Tensor {
    const rng = this.rng ?? generatorFor();
    const keepScale = 1 / (1 - this.rate);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform() >= this.rate ? keepScale : 0;
    return tensor(data, shape);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) cfg.seed = this.seed;
    return cfg;
  }
}

/** A `Dropout` layer: `dropout({ rate: 0.5 })`. */
export function dropout(args: DropoutArgs): Dropout {
  if (args === null || typeof args !== 'object') throw new ValueError(`dropout: options must be an object with rate, got ${describe(args)}`);
  return new Dropout(args);
}
