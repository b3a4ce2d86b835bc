/** Spatial dropout: whole channels dropped (Keras's SpatialDropout1D / SpatialDropout2D). */
import { ShapeError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { Dropout, type DropoutArgs } from './dropout';

/**
 * In training, y[b, ..., c] = x[b, ..., c] * m[b, c] / (1 - rate) with one draw m[b, c] ~ Bernoulli(1 - rate) per
 * sample and channel, shared by every position (neighbouring pixels are correlated, so dropping single elements
 * regularizes little); at inference y = x. Masks come from the same replayable Philox4x32-10 path as `dropout`
 * (seeded by `seed` or the global generator), so steps with spatial dropout are recorded and compiled too.
 */
abstract class SpatialDropout extends Dropout {
  private readonly spatial: 1 | 2;

  protected constructor(args: DropoutArgs, className: 'SpatialDropout1D' | 'SpatialDropout2D') {
    super(args, className);
    this.spatial = className === 'SpatialDropout1D' ? 1 : 2;
  }

  override call(x: Tensor, training: boolean): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    return super.call(x, training);
  }

  protected override noiseShape(x: Tensor): number[] {
    return [x.shape[0], ...new Array<number>(this.spatial).fill(1), x.shape[x.rank - 1]];
  }

  override computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== this.spatial + 1) {
      const want = this.spatial === 1 ? '[steps, channels]' : '[height, width, channels]';
      throw new ShapeError(`${this.name}: expected samples of rank ${this.spatial + 1} ${want}, got [${inputShape.join(', ')}]`);
    }
    return inputShape.slice();
  }
}

/** Drops whole channels of [batch, steps, channels]. */
export class SpatialDropout1D extends SpatialDropout {
  override readonly className = 'SpatialDropout1D';
  constructor(args: DropoutArgs) { super(args, 'SpatialDropout1D'); }
  protected override deterministicCall(): boolean { return this.constructor === SpatialDropout1D; }
}

/** Drops whole channels of [batch, height, width, channels]. */
export class SpatialDropout2D extends SpatialDropout {
  override readonly className = 'SpatialDropout2D';
  constructor(args: DropoutArgs) { super(args, 'SpatialDropout2D'); }
  protected override deterministicCall(): boolean { return this.constructor === SpatialDropout2D; }
}

/** A `SpatialDropout1D` layer: `spatialDropout1d({ rate: 0.2 })`. */
export function spatialDropout1d(args: DropoutArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}

/** A `SpatialDropout2D` layer: `spatialDropout2d({ rate: 0.2, seed: 1 })`. */
export function spatialDropout2d(args: DropoutArgs): SpatialDropout2D {
  return new SpatialDropout2D(args);
}
