/** The LayerNormalization layer (Keras semantics: axis -1, epsilon 1e-3, center and scale). */
import { ValueError, describe } from '../errors';
import { layerNorm } from '../ops/layer-norm';
import { transpose } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `layerNormalization()`. */
export interface LayerNormalizationArgs extends LayerArgs {
  /** The axis or axes normalized over (of the whole input, batch axis 0 excluded; negative counts from the end). Default -1. */
  axis?: number | number[];
  /** Added to the variance. Default 1e-3 (Keras). */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  /** Default 'zeros'. */
  betaInitializer?: Identifier<Initializer>;
  /** Default 'ones'. */
  gammaInitializer?: Identifier<Initializer>;
  betaRegularizer?: Identifier<Regularizer> | null;
  gammaRegularizer?: Identifier<Regularizer> | null;
}

/**
 * y = (x - mean) / sqrt(var + epsilon) * gamma + beta, where mean and the biased var are taken per sample over
 * `axis` (every axis listed), and gamma / beta have the shape of those axes. The same in training and inference.
 * Runs as the fused `layerNorm` op (one kernel forward, one backward); axes that are not the trailing ones are moved
 * there by a transpose first.
 */
export class LayerNormalization extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<LayerNormalizationArgs, keyof LayerArgs>>({
    axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  });
  readonly className = 'LayerNormalization';

  override get passesMask(): boolean {
    return true;
  }
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma', Initializer>;
  private readonly regs: Record<'beta' | 'gamma', Regularizer | null>;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  /** Resolved at build: the normalized axes of the whole input (sorted, batch axis 0 excluded). */
  private axes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args, 'LayerNormalization');
    const axis = args.axis ?? -1;
    const list = Array.isArray(axis) ? axis : [axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) throw new ValueError(`${this.name}: axis must be an integer or a non-empty array of integers, got ${describe(axis)}`);
    if (list.includes(0)) throw new ValueError(`${this.name}: axis 0 is the batch axis; use feature axes such as axis -1 (the last, the default)`);
    this.axis = list.slice();
    if (typeof (args.epsilon ?? 1e-3) !== 'number' || !((args.epsilon ?? 1e-3) > 0)) throw new ValueError(`${this.name}: epsilon must be a number > 0, got ${describe(args.epsilon)}`);
    this.epsilon = args.epsilon ?? 1e-3;
    for (const k of ['center', 'scale'] as const) {
      if (args[k] !== undefined && typeof args[k] !== 'boolean') throw new ValueError(`${this.name}: ${k} must be a boolean, got ${describe(args[k])}`);
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = { beta: getInitializer(args.betaInitializer ?? 'zeros'), gamma: getInitializer(args.gammaInitializer ?? 'ones') };
    this.regs = {
      beta: args.betaRegularizer == null ? null : getRegularizer(args.betaRegularizer),
      gamma: args.gammaRegularizer == null ? null : getRegularizer(args.gammaRegularizer),
    };
  }

  override build(inputShape: number[]): void {
    const rank = inputShape.length + 1;
    const axes = this.axis.map((a) => (a < 0 ? a + rank : a));
    axes.forEach((a, i) => {
      if (a < 1 || a >= rank) throw new ValueError(`${this.name}: axis ${this.axis[i]} is not a feature axis of inputs of rank ${rank} (shape [batch, ${inputShape.join(', ')}]); expected one of 1..${rank - 1} or -1..${1 - rank}`);
    });
    if (new Set(axes).size !== axes.length) throw new ValueError(`${this.name}: axis lists an axis twice: ${describe(this.axis)}`);
    this.axes = axes.sort((p, q) => p - q);
    const shape = this.axes.map((a) => inputShape[a - 1]);
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.inits.gamma, this.regs.gamma);
    if (this.center) this.beta = this.addWeight('beta', shape, this.inits.beta, this.regs.beta);
    super.build(inputShape);
  }

  call(x: Tensor): Tensor {
    const rank = x.rank;
    const k = this.axes.length;
    const trailing = this.axes.every((a, i) => a === rank - k + i);
    if (trailing) return layerNorm(x, this.gamma, this.beta, this.epsilon, k);
    const rest = x.shape.map((_, i) => i).filter((i) => !this.axes.includes(i));
    const perm = [...rest, ...this.axes];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return transpose(layerNorm(transpose(x, perm), this.gamma, this.beta, this.epsilon, k), inverse);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis.length === 1 ? this.axis[0] : this.axis.slice(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: configOf(this.inits.beta),
      gammaInitializer: configOf(this.inits.gamma),
      betaRegularizer: configOf(this.regs.beta),
      gammaRegularizer: configOf(this.regs.gamma),
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === LayerNormalization;
  }
}

/** A `LayerNormalization` layer: `layerNormalization({ epsilon: 1e-5 })`. */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}
