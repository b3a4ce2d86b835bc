/** The BatchNormalization layer (Keras semantics: axis -1, momentum 0.99, epsilon 1e-3). */
import { noGrad } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import { add, mul, sub, div } from '../ops/binary';
import { mean } from '../ops/reduce';
import { reshape } from '../ops/reshape';
import { addScalar, mulScalar, sqrt, square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `batchNormalization()`. */
export interface BatchNormalizationArgs extends LayerArgs {
  /**
   * The feature axis of the whole input (batch axis 0 excluded; negative counts from the end): statistics are taken
   * over every other axis, one per feature. Default -1 (channels last); 1 for channels-first data.
   */
  axis?: number;
  /** Moving-average momentum. Default 0.99. */
  momentum?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  betaInitializer?: Identifier<Initializer>;
  gammaInitializer?: Identifier<Initializer>;
  movingMeanInitializer?: Identifier<Initializer>;
  movingVarianceInitializer?: Identifier<Initializer>;
  betaRegularizer?: Identifier<Regularizer> | null;
  gammaRegularizer?: Identifier<Regularizer> | null;
}

function checkNum(v: unknown, name: string, ok: (x: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ValueError(`batchNormalization: ${name} must be ${expected}, got ${describe(v)}`);
  return v;
}

/**
 * y = gamma * (x - mu) / sqrt(var + epsilon) + beta, one mu, var, gamma and beta per feature of `axis`. In training
 * mu and var are the batch mean and (biased) variance over every other axis, and the moving statistics (non-trainable
 * weights `moving_mean`, `moving_variance`) are updated: moving = moving * momentum + batch * (1 - momentum). At
 * inference the moving statistics are used. A frozen layer (`trainable = false`) runs in inference mode even in
 * training, as in Keras 2.1+ (fine-tuning keeps the statistics it learnt), and its weights get no updates.
 */
export class BatchNormalization extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<BatchNormalizationArgs, keyof LayerArgs>>({
    axis: true, momentum: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, movingMeanInitializer: true,
    movingVarianceInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  });
  readonly className = 'BatchNormalization';
  /** The feature axis as given (resolved against the input rank at build). */
  readonly axis: number;
  private featureAxis = -1;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  private readonly betaRegularizer: Regularizer | null;
  private readonly gammaRegularizer: Regularizer | null;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args, 'BatchNormalization');
    if (args.axis !== undefined && !Number.isInteger(args.axis)) throw new ValueError(`${this.name}: axis must be an integer, got ${describe(args.axis)}`);
    if (args.axis === 0) throw new ValueError(`${this.name}: axis 0 is the batch axis; use a feature axis such as axis -1 (the last, the default) or 1 (channels first)`);
    this.axis = args.axis ?? -1;
    this.momentum = checkNum(args.momentum ?? 0.99, 'momentum', (m) => m >= 0 && m <= 1, 'a number in [0, 1]');
    this.epsilon = checkNum(args.epsilon ?? 1e-3, 'epsilon', (e) => e > 0, 'a number > 0');
    for (const k of ['center', 'scale'] as const) {
      if (args[k] !== undefined && typeof args[k] !== 'boolean') throw new ValueError(`batchNormalization: ${k} must be a boolean, got ${describe(args[k])}`);
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = {
      beta: getInitializer(args.betaInitializer ?? 'zeros'),
      gamma: getInitializer(args.gammaInitializer ?? 'ones'),
      movingMean: getInitializer(args.movingMeanInitializer ?? 'zeros'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? 'ones'),
    };
    this.betaRegularizer = args.betaRegularizer == null ? null : getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = args.gammaRegularizer == null ? null : getRegularizer(args.gammaRegularizer);
  }

  override build(inputShape: number[]): void {
    const rank = inputShape.length + 1;
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new ValueError(`${this.name}: axis ${this.axis} is not a feature axis of inputs of rank ${rank} (shape [batch, ${inputShape.join(', ')}]); expected one of 1..${rank - 1} or -1..${1 - rank}`);
    this.featureAxis = a;
    const c = [inputShape[a - 1]];
    if (this.scale) this.gamma = this.addWeight('gamma', c, this.inits.gamma, this.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', c, this.inits.beta, this.betaRegularizer);
    this.movingMean = this.addWeight('moving_mean', c, this.inits.movingMean, null, false);
    this.movingVariance = this.addWeight('moving_variance', c, this.inits.movingVariance, null, false);
    super.build(inputShape);
  }

  call(x: Tensor, training: boolean): Tensor {
    const a = this.featureAxis;
    const axes = x.shape.map((_, i) => i).filter((i) => i !== a);
    // The per-feature vectors as [1, .., C, .., 1] so that they broadcast along the feature axis (a no-op reshape for the last axis).
    const last = a === x.rank - 1;
    const perFeature = (v: Tensor): Tensor => (last ? v : reshape(v, x.shape.map((d, i) => (i === a ? d : 1))));
    let mu: Tensor;
    let variance: Tensor;
    if (training && this.trainable) {
      const m1 = mean(x, axes);
      mu = perFeature(m1);
      const v1 = mean(square(sub(x, mu)), axes);
      variance = perFeature(v1);
      noGrad(() => {
        const m = this.momentum;
        (this.movingMean as Variable).assign(add(mulScalar(this.movingMean as Variable, m), mulScalar(m1, 1 - m)));
        (this.movingVariance as Variable).assign(add(mulScalar(this.movingVariance as Variable, m), mulScalar(v1, 1 - m)));
      });
    } else {
      mu = perFeature(this.movingMean as Variable);
      variance = perFeature(this.movingVariance as Variable);
    }
    let y = div(sub(x, mu), sqrt(addScalar(variance, this.epsilon)));
    if (this.gamma) y = mul(y, perFeature(this.gamma));
    if (this.beta) y = add(y, perFeature(this.beta));
    return y;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: configOf(this.inits.beta),
      gammaInitializer: configOf(this.inits.gamma),
      movingMeanInitializer: configOf(this.inits.movingMean),
      movingVarianceInitializer: configOf(this.inits.movingVariance),
      betaRegularizer: configOf(this.betaRegularizer),
      gammaRegularizer: configOf(this.gammaRegularizer),
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === BatchNormalization;
  }
}

/** A `BatchNormalization` layer: `batchNormalization({ momentum: 0.9 })`. */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
