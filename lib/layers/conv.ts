/**
 * Convolution layers, channels last as Keras: `conv2d` (samples [H, W, C] -> [OH, OW, filters]) and `conv1d`
 * (samples [L, C] -> [OL, filters]), run as the conv ops with the activation fused where the op supports it.
 */
import { getActivation } from '../activations/activation';
import { ShapeError, ValueError, describe } from '../errors';
import { conv2d as conv2dOp, type Conv2dOptions } from '../ops/conv';
import { convAxis, type ConvPadding } from '../ops/conv-geometry';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { KERNEL_LAYER_KEYS, KernelLayer, type KernelLayerArgs } from './kernel-layer';
import type { LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of the convolution layers; sizes are a number (every axis) or one number per spatial axis. */
export interface ConvArgs extends LayerArgs, KernelLayerArgs {
  /** Number of output channels. Required, a positive integer. */
  filters: number;
  /** Window size. Required. */
  kernelSize: number | number[];
  /** Window step. Default 1. */
  strides?: number | number[];
  /** 'valid' (default: no padding) or 'same' (zero padding, output size ceil(input / stride)). */
  padding?: ConvPadding;
  /** Spacing between window taps. Default 1. */
  dilationRate?: number | number[];
}

/** `v` as `rank` positive integers (a number repeats); ValueError naming the layer and option otherwise. */
function spatialSizes(v: unknown, rank: number, who: string, option: string): number[] {
  const list = typeof v === 'number' ? new Array<number>(rank).fill(v) : v;
  if (!Array.isArray(list) || list.length !== rank || !list.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError(`${who}: ${option} must be a positive integer or ${rank} of them, got ${describe(v)}`);
  }
  return list.slice();
}

/**
 * The shared part of Conv1D and Conv2D over `rank` spatial axes: y = activation(conv(x, kernel) + bias) with a
 * kernel of shape [...kernelSize, channels, filters] and a bias of shape [filters].
 */
export abstract class Conv extends KernelLayer {
  static override readonly optionKeys: readonly string[] = [...KERNEL_LAYER_KEYS, ...optionKeys<Omit<ConvArgs, keyof LayerArgs | keyof KernelLayerArgs>>({ filters: true, kernelSize: true, strides: true, padding: true, dilationRate: true })];
  /** Output channels. */
  readonly filters: number;
  /** Window size per spatial axis. */
  readonly kernelSize: number[];
  /** Window step per spatial axis. */
  readonly strides: number[];
  /** 'valid' or 'same'. */
  readonly padding: ConvPadding;
  /** Spacing between window taps per spatial axis. */
  readonly dilationRate: number[];
  protected constructor(args: ConvArgs, className: string, private readonly rank: number) {
    const who = args?.name ?? className;
    super(args, className, who);
    if (!Number.isInteger(args.filters) || args.filters <= 0) throw new ValueError(`${who}: filters must be a positive integer, got ${describe(args.filters)}`);
    if (args.kernelSize === undefined) throw new ValueError(`${who}: kernelSize is required`);
    const padding = args.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') throw new ValueError(`${who}: padding must be 'valid' or 'same', got ${describe(args.padding)}`);
    this.filters = args.filters;
    this.kernelSize = spatialSizes(args.kernelSize, rank, who, 'kernelSize');
    this.strides = spatialSizes(args.strides ?? 1, rank, who, 'strides');
    this.dilationRate = spatialSizes(args.dilationRate ?? 1, rank, who, 'dilationRate');
    this.padding = padding;
    if (this.inputShape) this.computeOutputShape(this.inputShape);
  }

  override build(inputShape: number[]): void {
    const channels = this.computeInputChannels(inputShape);
    this.addKernelAndBias(this.kernelShapeFor(channels), this.outputChannels(channels));
    super.build(inputShape);
  }

  /** The kernel's shape for `channels` input channels: [...kernelSize, channels, filters]. */
  protected kernelShapeFor(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  /** The output channels for `channels` input channels: `filters`. */
  protected outputChannels(_channels: number): number {
    return this.filters;
  }

  /** The 2-D convolution of the layer (the conv2d op). */
  protected convolve2d(x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor {
    return conv2dOp(x, kernel, bias, options);
  }

  /** The channels of samples of `inputShape` ([...spatial, channels]); ShapeError naming the layer otherwise. */
  private computeInputChannels(inputShape: number[]): number {
    if (inputShape.length !== this.rank + 1) {
      const want = this.rank === 1 ? '[steps, channels]' : '[height, width, channels]';
      throw new ShapeError(`${this.name}: expected samples of rank ${this.rank + 1} ${want} (input of rank ${this.rank + 2} with the batch), got samples of shape [${inputShape.join(', ')}]`);
    }
    return inputShape[this.rank];
  }

  computeOutputShape(inputShape: number[]): number[] {
    const channels = this.computeInputChannels(inputShape);
    const names = this.rank === 1 ? ['steps'] : ['height', 'width'];
    const spatial = inputShape.slice(0, this.rank).map((size, i) =>
      convAxis(size, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding, this.name, names[i]).outSize);
    return [...spatial, this.outputChannels(channels)];
  }

  call(x: Tensor): Tensor {
    return this.forward(x, false);
  }

  /** @internal The forward pass; with `logits` true a softmax / sigmoid activation is left out. */
  forward(x: Tensor, logits: boolean): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    const act = getActivation(this.activation);
    const fused = logits ? 'linear' : act.fused ?? 'linear';
    const options = { padding: this.padding, activation: fused, param: fused === 'linear' ? 0 : act.param };
    const [input, kernel] = this.computeOperands(x, this.kernel as Variable);
    let y: Tensor;
    if (this.rank === 2) {
      y = this.convolve2d(input, kernel, this.bias, { ...options, strides: [this.strides[0], this.strides[1]], dilationRate: [this.dilationRate[0], this.dilationRate[1]] });
    } else {
      // A 1-D convolution is a 2-D one over a single row.
      const [n, steps, channels] = x.shape;
      const y4 = conv2dOp(reshape(input, [n, 1, steps, channels]), reshape(kernel, [1, ...kernel.shape]), this.bias,
        { ...options, strides: [1, this.strides[0]], dilationRate: [1, this.dilationRate[0]] });
      y = reshape(y4, [n, y4.shape[2], this.filters]);
    }
    return act.fused === null && !logits ? act.apply(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      dilationRate: this.dilationRate.slice(),
      ...this.kernelConfig(),
    };
  }

  protected override deterministicCall(): boolean {
    return this.deterministicFor([Conv2D, Conv1D]);
  }
}

/** 2-D convolution over samples [height, width, channels] with a kernel [kh, kw, channels, filters]. */
export class Conv2D extends Conv {
  readonly className = 'Conv2D';
  constructor(args: ConvArgs) {
    super(args, 'Conv2D', 2);
  }
}

/** 1-D convolution over samples [steps, channels] with a kernel [k, channels, filters]. */
export class Conv1D extends Conv {
  readonly className = 'Conv1D';
  constructor(args: ConvArgs) {
    super(args, 'Conv1D', 1);
  }
}

function checkOptions(args: unknown, who: string): void {
  if (args === null || typeof args !== 'object') throw new ValueError(`${who}: options must be an object with filters and kernelSize, got ${describe(args)}`);
}

/** A `Conv2D` layer: `conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' })`. */
export function conv2d(args: ConvArgs): Conv2D {
  checkOptions(args, 'conv2d');
  return new Conv2D(args);
}

/** A `Conv1D` layer: `conv1d({ inputShape: [100, 8], filters: 16, kernelSize: 5, padding: 'same' })`. */
export function conv1d(args: ConvArgs): Conv1D {
  checkOptions(args, 'conv1d');
  return new Conv1D(args);
}
