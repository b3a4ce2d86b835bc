/** The BatchNormalization layer (Keras semantics: axis -1, momentum 0.99, epsilon 1e-3). */
import { noGrad } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import { add, mul, sub, div } from '../ops/binary';
import { mean } from '../ops/reduce';
import { addScalar, mulScalar, sqrt, square } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import type { Identifier } from './dense';
import { Layer, type LayerArgs } from './layer';

/** Options of `batchNormalization()`. */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The feature axis; only the last axis (-1, the default) is supported. */
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
 * y = gamma * (x - mu) / sqrt(var + epsilon) + beta over the last axis. In training mu and var are the
 * batch mean and (biased) variance over every other axis, and the moving statistics are updated:
 * moving = moving * momentum + batch * (1 - momentum). At inference the moving statistics are used.
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
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
    if (args.axis !== undefined && args.axis !== -1) throw new ValueError(`batchNormalization: only axis -1 (the last axis) is supported, got ${describe(args.axis)}`);
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
    const c = [inputShape[inputShape.length - 1]];
    if (this.scale) this.gamma = this.addWeight('gamma', c, this.inits.gamma, this.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', c, this.inits.beta, this.betaRegularizer);
    this.movingMean = this.addWeight('moving_mean', c, this.inits.movingMean, null, false);
    this.movingVariance = this.addWeight('moving_variance', c, this.inits.movingVariance, null, false);
    super.build(inputShape);
  }

  call(x: Tensor, training: boolean): Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mu: Tensor;
    let variance: Tensor;
    if (training) {
      mu = mean(x, axes);
      variance = mean(square(sub(x, mu)), axes);
      noGrad(() => {
        const m = this.momentum;
        (this.movingMean as Variable).assign(add(mulScalar(this.movingMean as Variable, m), mulScalar(mu, 1 - m)));
        (this.movingVariance as Variable).assign(add(mulScalar(this.movingVariance as Variable, m), mulScalar(variance, 1 - m)));
      });
    } else {
      mu = this.movingMean as Variable;
      variance = this.movingVariance as Variable;
    }
    let y = div(sub(x, mu), sqrt(addScalar(variance, this.epsilon)));
    if (this.gamma) y = mul(y, this.gamma);
    if (this.beta) y = add(y, this.beta);
    return y;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    const cfgOf = (x: { className: string; getConfig(): Record<string, unknown> } | null) => (x ? { className: x.className, config: x.getConfig() } : null);
    return {
      ...super.getConfig(),
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: cfgOf(this.inits.beta),
      gammaInitializer: cfgOf(this.inits.gamma),
      movingMeanInitializer: cfgOf(this.inits.movingMean),
      movingVarianceInitializer: cfgOf(this.inits.movingVariance),
      betaRegularizer: cfgOf(this.betaRegularizer),
      gammaRegularizer: cfgOf(this.gammaRegularizer),
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
