/** Global pooling layers: the mean or maximum over every spatial position, channels last (Keras's Global*Pooling*). */
import { ShapeError } from '../errors';
import { globalMaxPool } from '../ops/pooling';
import { mean } from '../ops/reduce';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';

type GlobalPoolingName = 'GlobalAveragePooling1D' | 'GlobalAveragePooling2D' | 'GlobalMaxPooling1D' | 'GlobalMaxPooling2D';

/**
 * [batch, steps, channels] (1-D) or [batch, height, width, channels] (2-D) -> [batch, channels]: the mean over the
 * spatial positions (average) or their maximum (max; its gradient goes to the first maximum per channel, as
 * PyTorch's adaptive_max_pool with output size 1). No weights.
 */
export abstract class GlobalPooling extends Layer {
  static override readonly optionKeys: readonly string[] = [];
  private readonly spatial: 1 | 2;
  private readonly max: boolean;

  protected constructor(args: LayerArgs, className: GlobalPoolingName) {
    super(args, className);
    this.spatial = className.endsWith('1D') ? 1 : 2;
    this.max = className.startsWith('GlobalMax');
  }

  call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    if (this.max) return globalMaxPool(x, this.name);
    return mean(x, this.spatial === 1 ? [1] : [1, 2]);
  }

  /** [..spatial, channels] -> [channels]. */
  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== this.spatial + 1) {
      const want = this.spatial === 1 ? '[steps, channels]' : '[height, width, channels]';
      throw new ShapeError(`${this.name}: expected samples of rank ${this.spatial + 1} ${want}, got [${inputShape.join(', ')}]`);
    }
    if (inputShape.slice(0, -1).some((d) => d === 0)) throw new ShapeError(`${this.name}: nothing to pool in samples of shape [${inputShape.join(', ')}]`);
    return [inputShape[this.spatial]];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === GLOBAL_POOLING_CLASSES[this.className as GlobalPoolingName];
  }
}

/** The mean over the steps of [batch, steps, channels]. */
export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';
  constructor(args: LayerArgs = {}) { super(args, 'GlobalAveragePooling1D'); }
}
/** The mean over the pixels of [batch, height, width, channels]. */
export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';
  constructor(args: LayerArgs = {}) { super(args, 'GlobalAveragePooling2D'); }
}
/** The maximum over the steps of [batch, steps, channels]. */
export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';
  constructor(args: LayerArgs = {}) { super(args, 'GlobalMaxPooling1D'); }
}
/** The maximum over the pixels of [batch, height, width, channels]. */
export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';
  constructor(args: LayerArgs = {}) { super(args, 'GlobalMaxPooling2D'); }
}

const GLOBAL_POOLING_CLASSES = { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } as const;

/** A `GlobalAveragePooling1D` layer: y[b, c] = mean_t x[b, t, c]. */
export function globalAveragePooling1d(args: LayerArgs = {}): GlobalAveragePooling1D { return new GlobalAveragePooling1D(args); }
/** A `GlobalAveragePooling2D` layer: y[b, c] = mean_{i,j} x[b, i, j, c]. */
export function globalAveragePooling2d(args: LayerArgs = {}): GlobalAveragePooling2D { return new GlobalAveragePooling2D(args); }
/** A `GlobalMaxPooling1D` layer: y[b, c] = max_t x[b, t, c]. */
export function globalMaxPooling1d(args: LayerArgs = {}): GlobalMaxPooling1D { return new GlobalMaxPooling1D(args); }
/** A `GlobalMaxPooling2D` layer: y[b, c] = max_{i,j} x[b, i, j, c]. */
export function globalMaxPooling2d(args: LayerArgs = {}): GlobalMaxPooling2D { return new GlobalMaxPooling2D(args); }
