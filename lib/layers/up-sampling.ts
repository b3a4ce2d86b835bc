/** The UpSampling2D layer: nearest-neighbour enlargement of images, channels last. */
import { ShapeError, ValueError, describe } from '../errors';
import { upSample2dNearest } from '../ops/up-sampling';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';

/** Options of `upSampling2d()`. */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factor for rows and columns: one positive integer for both or [rows, columns]. Default 2. */
  size?: number | [number, number];
  /** 'nearest' (default): every pixel repeated into a size block. */
  interpolation?: 'nearest';
}

/**
 * [batch, h, w, c] -> [batch, h sizeH, w sizeW, c], y[b, i, j, c] = x[b, floor(i / sizeH), floor(j / sizeW), c]
 * (Keras's UpSampling2D, PyTorch's F.interpolate(mode='nearest')). No weights.
 */
export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  /** [rows, columns] factors. */
  readonly size: [number, number];
  /** The interpolation: 'nearest'. */
  readonly interpolation: 'nearest';

  constructor(args: UpSampling2DArgs = {}) {
    super(args, 'UpSampling2D');
    const s = args.size ?? 2;
    const size = typeof s === 'number' ? [s, s] : s;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new ValueError(`${this.name}: size must be a positive integer or [rows, columns] of them, got ${describe(s)}`);
    }
    if ((args.interpolation ?? 'nearest') !== 'nearest') {
      throw new ValueError(`${this.name}: interpolation must be 'nearest', got ${describe(args.interpolation)}`);
    }
    this.size = [size[0], size[1]];
    this.interpolation = 'nearest';
  }

  call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    return upSample2dNearest(x, this.size);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) throw new ShapeError(`${this.name}: expected samples of rank 3 [height, width, channels], got [${inputShape.join(', ')}]`);
    return [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === UpSampling2D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size.slice(), interpolation: this.interpolation };
  }
}

/** An `UpSampling2D` layer: `upSampling2d({ size: 2 })`. Defaults: size 2, 'nearest'. */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  if (args === null || typeof args !== 'object') throw new ValueError(`upSampling2d: options must be an object, got ${describe(args)}`);
  return new UpSampling2D(args);
}
