/**
 * The base of the layers with a kernel and a bias (dense, conv): the options they share (activation, bias switch,
 * initializers and regularizers), read and checked once, the activity penalty, and their part of the config.
 */
import { ValueError, describe } from '../errors';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer, isBuiltInRegularizer } from '../regularizers/index';
import { roundToDtype } from '../ops/cast';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import type { Regularizer } from '../regularizers/regularizer';
import { getConstraint, type Constraint } from '../constraints/constraint';
import { checkActivation, type ActivationName } from './activation';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** What `getInitializer` / `getRegularizer` accept: a name, an instance or a `{ className, config }`. */
export type Identifier<T> = string | T | { className: string; config: Record<string, unknown> };

/** Options of a layer with a kernel and a bias. */
export interface KernelLayerArgs {
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
  /** Projection of the kernel after each optimizer step ('maxNorm', 'nonNeg', 'unitNorm' or one made by them). Default none. */
  kernelConstraint?: Identifier<Constraint> | null;
  /** Projection of the bias after each optimizer step. Default none. */
  biasConstraint?: Identifier<Constraint> | null;
}

/** The keys of KernelLayerArgs. */
export const KERNEL_LAYER_KEYS = optionKeys<KernelLayerArgs>({
  activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true, activityRegularizer: true,
  kernelConstraint: true, biasConstraint: true,
});

/** `{ className, config }` of an initializer / regularizer / constraint, null for none (a layer config entry). */
export function configOf(x: { className: string; getConfig(): Record<string, unknown> } | null): unknown {
  return x ? { className: x.className, config: x.getConfig() } : null;
}

/** A layer with a kernel and an optional bias: y = activation(op(x, kernel) + bias). */
export abstract class KernelLayer extends Layer {
  /** The activation. */
  readonly activation: ActivationName;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly activityRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  /** The kernel; null before build. */
  kernel: Variable | null = null;
  /** The bias; null before build or without bias. */
  bias: Variable | null = null;

  /** Reads the shared options; errors name `who` (the layer's factory or name). */
  protected constructor(args: LayerArgs & KernelLayerArgs, className: string, who: string) {
    super(args, className);
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw new ValueError(`${who}: useBias must be a boolean, got ${describe(args.useBias)}`);
    this.activation = checkActivation(args.activation, who);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer == null ? null : getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = args.biasRegularizer == null ? null : getRegularizer(args.biasRegularizer);
    this.activityRegularizer = args.activityRegularizer == null ? null : getRegularizer(args.activityRegularizer);
    this.kernelConstraint = args.kernelConstraint == null ? null : getConstraint(args.kernelConstraint);
    this.biasConstraint = args.biasConstraint == null ? null : getConstraint(args.biasConstraint);
  }

  /** Creates the kernel of `kernelShape` and, with useBias, the bias of `units` values. */
  protected addKernelAndBias(kernelShape: number[], units: number): void {
    this.kernel = this.addWeight('kernel', kernelShape, this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [units], this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
  }

  /**
   * The input and the kernel as the layer's matmul / convolution reads them: rounded to the policy's compute dtype
   * (bfloat16 or float16: `roundToDtype`, gradients straight through) under a mixed policy, themselves under
   * float32. The products then accumulate in float32.
   */
  protected computeOperands(x: Tensor, kernel: Tensor): [Tensor, Tensor] {
    const dtype = this.dtypePolicy.computeDtype;
    return [roundToDtype(x, dtype), roundToDtype(kernel, dtype)];
  }

  override activityLoss(output: Tensor): Tensor | null {
    return this.activityRegularizer ? this.activityRegularizer.penalty(output) : null;
  }

  /** The shared options as they go into the config (objects as `{ className, config }`). */
  protected kernelConfig(): Record<string, unknown> {
    return {
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: configOf(this.kernelInitializer),
      biasInitializer: configOf(this.biasInitializer),
      kernelRegularizer: configOf(this.kernelRegularizer),
      biasRegularizer: configOf(this.biasRegularizer),
      activityRegularizer: configOf(this.activityRegularizer),
      kernelConstraint: configOf(this.kernelConstraint),
      biasConstraint: configOf(this.biasConstraint),
    };
  }

  /** True for the library's own classes `own` (not subclasses, which may override `call`) without a custom penalty. */
  protected deterministicFor(own: ReadonlyArray<abstract new (...args: never[]) => unknown>): boolean {
    return own.includes(this.constructor as never) && (this.activityRegularizer === null || isBuiltInRegularizer(this.activityRegularizer));
  }
}
