/** The Dense (fully connected) layer: y = activation(x W + b), run as the fused `dense` op. */
import { ValueError, describe } from '../errors';
import { getActivation } from '../activations/activation';
import { dense as denseOp } from '../ops/fused';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { KERNEL_LAYER_KEYS, KernelLayer, type KernelLayerArgs } from './kernel-layer';
import type { LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

export type { Identifier } from './kernel-layer';

/** Options of `dense()`. */
export interface DenseArgs extends LayerArgs, KernelLayerArgs {
  /** Number of output features. Required, a positive integer. */
  units: number;
}

/**
 * y = activation(x W + b) with W of shape [inputFeatures, units] and b of shape [units]. Inputs of rank > 2
 * apply to the last axis. Activations the fused op supports run inside it (one kernel forward); 'softmax'
 * runs the fused linear op followed by softmax over the last axis.
 */
export class Dense extends KernelLayer {
  static override readonly optionKeys: readonly string[] = [...KERNEL_LAYER_KEYS, ...optionKeys<Omit<DenseArgs, keyof LayerArgs | keyof KernelLayerArgs>>({ units: true })];
  readonly className = 'Dense';
  /** Output features. */
  readonly units: number;
  constructor(args: DenseArgs) {
    super(args, 'Dense', 'dense');
    if (!Number.isInteger(args.units) || args.units <= 0) throw new ValueError(`dense: units must be a positive integer, got ${describe(args.units)}`);
    this.units = args.units;
  }

  override build(inputShape: number[]): void {
    const inFeatures = inputShape[inputShape.length - 1];
    this.addKernelAndBias([inFeatures, this.units], this.units);
    super.build(inputShape);
  }

  call(x: Tensor): Tensor {
    return this.forward(x, false);
  }

  /**
   * @internal The forward pass; with `logits` true the activation (softmax or sigmoid) is left out (the
   * model then applies the cross-entropy to the logits).
   */
  forward(x: Tensor, logits: boolean): Tensor {
    const act = getActivation(this.activation);
    // The dense op takes [..., features] as it is; only a single row [features] is made 2-D.
    const [rows, kernel] = this.computeOperands(x.rank === 1 ? reshape(x, [1, x.shape[0]]) : x, this.kernel as Variable);
    const fusedAct = logits ? 'linear' : act.fused ?? 'linear';
    let y = denseOp(rows, kernel, this.bias, fusedAct, fusedAct === 'linear' ? 0 : act.param);
    if (act.fused === null && !logits) y = act.apply(y);
    return x.rank === 1 ? reshape(y, [this.units]) : y;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }

  /** Dense works per step on a sequence, so a time mask passes through it (as Keras's Dense supports masking). */
  override get passesMask(): boolean {
    return true;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      ...this.kernelConfig(),
    };
  }

  protected override deterministicCall(): boolean {
    return this.deterministicFor([Dense]);
  }
}

/** A `Dense` layer: `dense({ units: 10, activation: 'relu', inputShape: [2] })`. */
export function dense(args: DenseArgs): Dense {
  if (args === null || typeof args !== 'object') throw new ValueError(`dense: options must be an object with units, got ${describe(args)}`);
  return new Dense(args);
}
