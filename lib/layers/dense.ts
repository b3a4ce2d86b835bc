/** The Dense (fully connected) layer: y = activation(x W + b), run as the fused `dense` op. */
import { ValueError, describe } from '../errors';
import { getActivation } from '../activations/activation';
import { dense as denseOp } from '../ops/fused';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer, isBuiltInRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { checkActivation, type ActivationName } from './activation';
import { Layer, type LayerArgs } from './layer';

/** What `getInitializer` / `getRegularizer` accept: a name, an instance or a `{ className, config }`. */
export type Identifier<T> = string | T | { className: string; config: Record<string, unknown> };

/** Options of `dense()`. */
export interface DenseArgs extends LayerArgs {
  /** Number of output features. Required, a positive integer. */
  units: number;
  /** Activation name (see `ACTIVATIONS`). Default 'linear'. */
  activation?: string;
  /** Whether to add a bias vector. Default true. */
  useBias?: boolean;
  /** Kernel initializer. Default 'glorotUniform'. */
  kernelInitializer?: Identifier<Initializer>;
  /** Bias initializer. Default 'zeros'. */
  biasInitializer?: Identifier<Initializer>;
  /** Penalty on the kernel added to the loss. Default none. */
  kernelRegularizer?: Identifier<Regularizer> | null;
  /** Penalty on the bias added to the loss. Default none. */
  biasRegularizer?: Identifier<Regularizer> | null;
  /** Penalty on the layer's output added to the loss during training (Keras 3: not divided by batch). */
  activityRegularizer?: Identifier<Regularizer> | null;
}

/** `{ className, config }` of an initializer / regularizer / constraint, null for none (a layer config entry). */
export function configOf(x: { className: string; getConfig(): Record<string, unknown> } | null): unknown {
  return x ? { className: x.className, config: x.getConfig() } : null;
}

/**
 * y = activation(x W + b) with W of shape [inputFeatures, units] and b of shape [units]. Inputs of rank > 2
 * apply to the last axis. Activations the fused op supports run inside it (one kernel forward); 'softmax'
 * runs the fused linear op followed by softmax over the last axis.
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  /** Output features. */
  readonly units: number;
  /** The activation. */
  readonly activation: ActivationName;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly activityRegularizer: Regularizer | null;
  /** W, [inputFeatures, units]; null before build. */
  kernel: Variable | null = null;
  /** b, [units]; null before build or without bias. */
  bias: Variable | null = null;

  constructor(args: DenseArgs) {
    super(args, 'Dense');
    if (!Number.isInteger(args.units) || args.units <= 0) throw new ValueError(`dense: units must be a positive integer, got ${describe(args.units)}`);
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw new ValueError(`dense: useBias must be a boolean, got ${describe(args.useBias)}`);
    this.units = args.units;
    this.activation = checkActivation(args.activation, 'dense');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer == null ? null : getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = args.biasRegularizer == null ? null : getRegularizer(args.biasRegularizer);
    this.activityRegularizer = args.activityRegularizer == null ? null : getRegularizer(args.activityRegularizer);
  }

  override build(inputShape: number[]): void {
    const inFeatures = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight('kernel', [inFeatures, this.units], this.kernelInitializer, this.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer, this.biasRegularizer);
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
    const kernel = this.kernel as Variable;
    const act = getActivation(this.activation);
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    const fusedAct = logits ? 'linear' : act.fused ?? 'linear';
    let y = denseOp(flat, kernel, this.bias, fusedAct, fusedAct === 'linear' ? 0 : act.param);
    if (act.fused === null && !logits) y = act.apply(y);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override activityLoss(output: Tensor): Tensor | null {
    return this.activityRegularizer ? this.activityRegularizer.penalty(output) : null;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: configOf(this.kernelInitializer),
      biasInitializer: configOf(this.biasInitializer),
      kernelRegularizer: configOf(this.kernelRegularizer),
      biasRegularizer: configOf(this.biasRegularizer),
      activityRegularizer: configOf(this.activityRegularizer),
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Dense && (this.activityRegularizer === null || isBuiltInRegularizer(this.activityRegularizer));
  }
}

/** A `Dense` layer: `dense({ units: 10, activation: 'relu', inputShape: [2] })`. */
export function dense(args: DenseArgs): Dense {
  if (args === null || typeof args !== 'object') throw new ValueError(`dense: options must be an object with units, got ${describe(args)}`);
  return new Dense(args);
}
