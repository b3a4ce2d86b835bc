/**
 * TimeDistributed (Keras): applies one layer to every step of a sequence by folding the time axis into the batch,
 * [batch, T, ...] -> [batch * T, ...] -> layer -> [batch, T, ...out]. The wrapped layer's weights are shared by the
 * steps and are the wrapper's weights. The wrapped layer may be a model (a Sequential or a functional model of one
 * input). A time mask [batch, T] on the input passes on to the output unchanged (Keras's supports_masking).
 */
import { ShapeError, ValueError, describe } from '../errors';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** A model that can stand as a layer (`Sequential`, a functional model): what `timeDistributed` accepts besides layers. */
export interface LayerLike {
  asLayer(): Layer;
}

/** Options of `timeDistributed()`. */
export interface TimeDistributedArgs extends LayerArgs {
  /**
   * The layer applied to each step (a layer of one input, or a model of one input such as a Sequential), or its
   * `{ className, config }`. Required.
   */
  layer: Layer | LayerLike | { className: string; config: Record<string, unknown> };
}

function isLayerLike(x: unknown): x is LayerLike {
  return x !== null && typeof x === 'object' && typeof (x as LayerLike).asLayer === 'function';
}

/** The layer of a `{ className, config }`: a nested model (Sequential, Functional) or a registered layer class. */
function layerFromConfig(entry: { className: string; config: Record<string, unknown> }): Layer {
  // Imported lazily: the registry and the models import this file.
  const { NESTED_MODELS } = require('../models/model') as typeof import('../models/model');
  const makeModel = NESTED_MODELS.get(entry.className);
  if (makeModel) return makeModel(entry.config).asLayer();
  const { deserializeLayer } = require('./registry') as typeof import('./registry');
  return deserializeLayer(entry);
}

/**
 * y[:, t] = layer(x[:, t]) for every step t of x [batch, T, ...]: one call of the wrapped layer on the
 * [batch * T, ...] fold (same result as a loop over the steps, one kernel launch per op).
 */
export class TimeDistributed extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<TimeDistributedArgs, keyof LayerArgs>>({ layer: true });
  readonly className = 'TimeDistributed';
  /** The wrapped layer. */
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args, 'TimeDistributed');
    const inner = args.layer;
    if (inner instanceof Layer) this.layer = inner;
    else if (isLayerLike(inner)) this.layer = inner.asLayer();
    else if (inner !== null && typeof inner === 'object' && typeof (inner as { className?: unknown }).className === 'string') {
      this.layer = layerFromConfig(inner as { className: string; config: Record<string, unknown> });
    } else {
      throw new ValueError(`timeDistributed: layer must be a Layer, a model (Sequential or functional) or its { className, config }, got ${describe(inner)}`);
    }
  }

  private checkSample(sample: number[]): void {
    if (sample.length < 2) throw new ShapeError(`${this.name}: input must be [batch, time, ...features], got samples of shape [${sample.join(', ')}]`);
  }

  override build(inputShape: number[]): void {
    this.checkSample(inputShape);
    if (!this.layer.built) this.layer.inferShapes([inputShape.slice(1)]);
    super.build(inputShape);
  }

  call(x: Tensor, training: boolean): Tensor {
    const [batch, steps, ...rest] = x.shape;
    if (steps === 0) throw new ShapeError(`${this.name}: sequence length 0 (input shape [${x.shape.join(', ')}])`);
    const y = this.layer.apply(reshape(x, [batch * steps, ...rest]), training);
    return reshape(y, [batch, steps, ...y.shape.slice(1)]);
  }

  /** The input's time mask [batch, T] passes on unchanged (Keras's TimeDistributed supports masking). */
  override computeOutputMask(xs: Tensor[], masks: ReadonlyArray<Tensor | null>): Tensor | null {
    const mask = masks[0] ?? null;
    if (mask === null) return null;
    const x = xs[0];
    if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
      throw new ShapeError(`${this.name}: the mask must have shape [${x.shape[0]}, ${x.shape[1]}] (batch, time), got [${mask.shape.join(', ')}]`);
    }
    return mask;
  }

  computeOutputShape(inputShape: number[]): number[] {
    this.checkSample(inputShape);
    return [inputShape[0], ...this.layer.computeOutputShape(inputShape.slice(1))];
  }

  override get weights(): Variable[] {
    return this.layer.weights;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }

  override regularizationLoss(): Tensor | null {
    return this.layer.regularizationLoss();
  }

  override activityLoss(output: Tensor): Tensor | null {
    return this.layer.activityLoss(output);
  }

  override repeatableStep(): boolean {
    return this.layer.repeatableStep();
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }

  override dispose(): void {
    this.layer.dispose();
    super.dispose();
  }
}

/** A `TimeDistributed` wrapper: `timeDistributed({ layer: dense({ units: 8 }) })` on [batch, T, features]. */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  if (args === null || typeof args !== 'object') throw new ValueError(`timeDistributed: options must be an object with layer, got ${describe(args)}`);
  return new TimeDistributed(args);
}
