/** Max and average pooling layers over 1-D and 2-D windows, channels last (Keras's MaxPooling2D and friends). */
import { ShapeError, ValueError, describe } from '../errors';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d, poolAxis, poolPadding, poolPair, type PoolPadding } from '../ops/pooling';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of the pooling layers. */
export interface PoolingArgs extends LayerArgs {
  /** Window size: one integer for every spatial axis or one per axis. Default 2 (2x2 for the 2-D layers). */
  poolSize?: number | number[];
  /** Step between windows, as poolSize; default `poolSize` (windows side by side). */
  strides?: number | number[] | null;
  /** 'valid' (default): windows inside the input; 'same': out = ceil(in / stride), border windows average fewer elements. */
  padding?: PoolPadding;
}

/** What a pooling layer does per window and over how many spatial axes. */
interface PoolingKind {
  className: 'MaxPooling1D' | 'MaxPooling2D' | 'AveragePooling1D' | 'AveragePooling2D';
  spatial: 1 | 2;
  max: boolean;
}

/**
 * The shared body of the four pooling layers: checks the options once, computes Keras's output shapes and calls the
 * pooling op. Input [batch, length, channels] (1-D) or [batch, height, width, channels] (2-D); no weights.
 */
export abstract class Pooling extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<PoolingArgs, keyof LayerArgs>>({ poolSize: true, strides: true, padding: true });
  /** Window size per spatial axis. */
  readonly poolSize: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  /** 'valid' or 'same'. */
  readonly padding: PoolPadding;
  private readonly kind: PoolingKind;

  protected constructor(args: PoolingArgs, kind: PoolingKind) {
    super(args, kind.className);
    this.kind = kind;
    this.poolSize = poolPair(args.poolSize ?? 2, kind.spatial, this.name, 'poolSize');
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize.slice() : poolPair(args.strides, kind.spatial, this.name, 'strides');
    this.padding = poolPadding(args.padding ?? 'valid', this.name);
  }

  call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    const { spatial, max } = this.kind;
    if (spatial === 1) return (max ? maxPool1d : avgPool1d)(x, this.poolSize[0], this.strides[0], this.padding);
    return (max ? maxPool2d : avgPool2d)(x, this.poolSize, this.strides, this.padding);
  }

  /** [steps, channels] -> [out, channels] (1-D), [h, w, channels] -> [outH, outW, channels] (2-D). */
  computeOutputShape(inputShape: number[]): number[] {
    const { spatial } = this.kind;
    if (inputShape.length !== spatial + 1) {
      const want = spatial === 1 ? '[steps, channels]' : '[height, width, channels]';
      throw new ShapeError(`${this.name}: expected samples of rank ${spatial + 1} ${want}, got [${inputShape.join(', ')}]`);
    }
    const out = inputShape.slice(0, spatial).map((d, i) => poolAxis(d, this.poolSize[i], this.strides[i], this.padding, this.name).out);
    return [...out, inputShape[spatial]];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === POOLING_CLASSES[this.kind.className];
  }

  override getConfig(): Record<string, unknown> {
    const one = this.kind.spatial === 1;
    return { ...super.getConfig(), poolSize: one ? this.poolSize[0] : this.poolSize.slice(), strides: one ? this.strides[0] : this.strides.slice(), padding: this.padding };
  }
}

/** 2-D max pooling: the largest value of each window per channel. `maxPooling2d({ poolSize: 2 })`. */
export class MaxPooling2D extends Pooling {
  readonly className = 'MaxPooling2D';
  constructor(args: PoolingArgs = {}) { super(args, { className: 'MaxPooling2D', spatial: 2, max: true }); }
}

/** 2-D average pooling: the mean of each window over the elements inside the input. */
export class AveragePooling2D extends Pooling {
  readonly className = 'AveragePooling2D';
  constructor(args: PoolingArgs = {}) { super(args, { className: 'AveragePooling2D', spatial: 2, max: false }); }
}

/** 1-D max pooling over [batch, steps, channels]. */
export class MaxPooling1D extends Pooling {
  readonly className = 'MaxPooling1D';
  constructor(args: PoolingArgs = {}) { super(args, { className: 'MaxPooling1D', spatial: 1, max: true }); }
}

/** 1-D average pooling over [batch, steps, channels]. */
export class AveragePooling1D extends Pooling {
  readonly className = 'AveragePooling1D';
  constructor(args: PoolingArgs = {}) { super(args, { className: 'AveragePooling1D', spatial: 1, max: false }); }
}

const POOLING_CLASSES = { MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D } as const;

function options(args: PoolingArgs | undefined, fn: string): PoolingArgs {
  if (args === undefined) return {};
  if (args === null || typeof args !== 'object') throw new ValueError(`${fn}: options must be an object, got ${describe(args)}`);
  return args;
}

/** A `MaxPooling2D` layer: y[b, i, j, c] = max of the poolSize window at (i, j) * strides. Defaults: 2x2, strides = poolSize, 'valid'. */
export function maxPooling2d(args?: PoolingArgs): MaxPooling2D { return new MaxPooling2D(options(args, 'maxPooling2d')); }
/** An `AveragePooling2D` layer: the window means (over the elements inside the input). Defaults as {@link maxPooling2d}. */
export function averagePooling2d(args?: PoolingArgs): AveragePooling2D { return new AveragePooling2D(options(args, 'averagePooling2d')); }
/** A `MaxPooling1D` layer over [batch, steps, channels]. Defaults: poolSize 2, strides = poolSize, 'valid'. */
export function maxPooling1d(args?: PoolingArgs): MaxPooling1D { return new MaxPooling1D(options(args, 'maxPooling1d')); }
/** An `AveragePooling1D` layer over [batch, steps, channels]. Defaults as {@link maxPooling1d}. */
export function averagePooling1d(args?: PoolingArgs): AveragePooling1D { return new AveragePooling1D(options(args, 'averagePooling1d')); }
