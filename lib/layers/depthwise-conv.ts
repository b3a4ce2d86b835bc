/**
 * The DepthwiseConv2D layer, channels last as Keras: each input channel convolved with its own `depthMultiplier`
 * filters (samples [H, W, C] -> [OH, OW, C depthMultiplier]), run as the depthwiseConv2d op.
 */
import { ValueError, describe } from '../errors';
import type { Conv2dOptions } from '../ops/conv';
import { depthwiseConv2d as depthwiseOp } from '../ops/depthwise-conv';
import type { Tensor } from '../tensor/tensor';
import { Conv, type ConvArgs } from './conv';
import { KERNEL_LAYER_KEYS, type KernelLayerArgs } from './kernel-layer';
import { LAYER_KEYS, type LayerArgs } from './layer';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of `depthwiseConv2d()`: those of conv2d without `filters`, plus `depthMultiplier`. */
export interface DepthwiseConv2DArgs extends Omit<ConvArgs, 'filters'> {
  /** Filters per input channel. Default 1. */
  depthMultiplier?: number;
}

/** The options as Conv reads them (its `filters` is the depth multiplier); ValueError for a bad multiplier. */
/** The keys of DepthwiseConv2DArgs (checked before they become Conv's, depthMultiplier as filters). */
const DEPTHWISE_KEYS = [...LAYER_KEYS, ...KERNEL_LAYER_KEYS, ...optionKeys<Omit<DepthwiseConv2DArgs, keyof LayerArgs | keyof KernelLayerArgs>>({
  kernelSize: true, strides: true, padding: true, dilationRate: true, depthMultiplier: true,
})];

function asConvArgs(args: DepthwiseConv2DArgs): ConvArgs {
  if (args === null || typeof args !== 'object') throw new ValueError(`depthwiseConv2d: options must be an object with kernelSize, got ${describe(args)}`);
  checkOptions('depthwiseConv2d', args, DEPTHWISE_KEYS);
  const depthMultiplier = args.depthMultiplier ?? 1;
  if (!Number.isInteger(depthMultiplier) || depthMultiplier <= 0) {
    throw new ValueError(`${args.name ?? 'DepthwiseConv2D'}: depthMultiplier must be a positive integer, got ${describe(args.depthMultiplier)}`);
  }
  const { depthMultiplier: _dm, ...rest } = args;
  return { ...rest, filters: depthMultiplier };
}

/**
 * y[n, i, j, c M + m] = activation(bias[c M + m] + sum_{a, b} x[n, i s + a d - p, j s + b d - p, c] kernel[a, b, c, m])
 * with a kernel [kh, kw, channels, depthMultiplier] and a bias [channels depthMultiplier].
 */
export class DepthwiseConv2D extends Conv {
  readonly className = 'DepthwiseConv2D';

  constructor(args: DepthwiseConv2DArgs) {
    super(asConvArgs(args), 'DepthwiseConv2D', 2);
  }

  /** Filters per input channel. */
  get depthMultiplier(): number {
    return this.filters;
  }

  protected override kernelShapeFor(channels: number): number[] {
    return [...this.kernelSize, channels, this.depthMultiplier];
  }

  protected override outputChannels(channels: number): number {
    return channels * this.depthMultiplier;
  }

  protected override convolve2d(x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor {
    return depthwiseOp(x, kernel, bias, options);
  }

  protected override deterministicCall(): boolean {
    return this.deterministicFor([DepthwiseConv2D]);
  }

  override getConfig(): Record<string, unknown> {
    const { filters: _f, ...config } = super.getConfig();
    return { ...config, depthMultiplier: this.depthMultiplier };
  }
}

/** A `DepthwiseConv2D` layer: `depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' })`. */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}
