/**
 * LossScaleOptimizer, as Keras's `keras.mixed_precision.LossScaleOptimizer`: float16 gradients of small magnitude
 * round to 0 (below 2^-25) or lose digits (below 2^-14), so the loss is multiplied by a scale S before the backward
 * pass and the gradients are divided by S before the inner optimizer's step.
 *
 * Dynamic scaling (default): S starts at `initialScale` (2^15); a step whose gradients hold any NaN or infinity is
 * skipped (the inner optimizer does not run, its `iterations` do not advance) and S is halved; after
 * `dynamicGrowthSteps` (2000) finite steps in a row S is doubled. With `dynamic: false`, S stays `initialScale` and
 * every step is applied. A scale halved to 0 (the gradients were non-finite at every scale) is a NumericError naming
 * the step. `fit` multiplies the loss's gradient by S inside the recorded step (S is a backend value, read by each
 * replay) and logs S as `loss_scale`.
 */
import { ValueError, NumericError, describe } from '../errors';
import { noGrad } from '../autograd/tape';
import { scalar } from '../ops/creation';
import { add, mul } from '../ops/binary';
import { sum } from '../ops/reduce';
import { mulScalar } from '../ops/unary';
import { tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import { variable, type Variable } from '../tensor/variable';
import { optionKeys, checkOptions } from '../options/strict';
import type { GradientPair } from './gradient-pairs';
import { Optimizer, type OptimizerKernelCall, type OptimizerStateEntry } from './optimizer';

/** Options of `lossScaleOptimizer` (Keras's names). */
export interface LossScaleOptimizerOptions {
  /** Adjust the scale (halve on non-finite gradients, double after `dynamicGrowthSteps` finite steps). Default true. */
  dynamic?: boolean;
  /** The first scale, a finite number > 0. Default 2^15 = 32768. */
  initialScale?: number;
  /** Finite steps in a row after which a dynamic scale doubles, an integer >= 1. Default 2000. */
  dynamicGrowthSteps?: number;
}

const KEYS = optionKeys<LossScaleOptimizerOptions>({ dynamic: true, initialScale: true, dynamicGrowthSteps: true });

/** Wraps an optimizer with (dynamic) loss scaling; see the file comment. */
export class LossScaleOptimizer extends Optimizer {
  readonly className = 'LossScaleOptimizer';
  /** The optimizer that applies the unscaled gradients. */
  readonly innerOptimizer: Optimizer;
  readonly dynamic: boolean;
  readonly initialScale: number;
  readonly dynamicGrowthSteps: number;
  /** Steps skipped so far because their gradients were not finite. */
  skippedSteps = 0;
  private scale: number;
  private finiteSteps = 0;
  private scaleVariable: Variable | null = null;

  constructor(innerOptimizer: Optimizer, options: LossScaleOptimizerOptions = {}) {
    super('lossScaleOptimizer', {}, { learningRate: 0 });
    if (!(innerOptimizer instanceof Optimizer)) {
      throw new ValueError(`lossScaleOptimizer: innerOptimizer must be an optimizer (e.g. my.optimizers.adam()), got ${describe(innerOptimizer)}`);
    }
    if (innerOptimizer instanceof LossScaleOptimizer) throw new ValueError('lossScaleOptimizer: innerOptimizer is already a LossScaleOptimizer');
    checkOptions('lossScaleOptimizer', options, KEYS);
    const { dynamic = true, initialScale = 2 ** 15, dynamicGrowthSteps = 2000 } = options;
    if (typeof dynamic !== 'boolean') throw new ValueError(`lossScaleOptimizer: dynamic must be a boolean, got ${describe(dynamic)}`);
    if (typeof initialScale !== 'number' || !Number.isFinite(initialScale) || initialScale <= 0 || Math.fround(initialScale) === 0) {
      throw new ValueError(`lossScaleOptimizer: initialScale must be a finite number > 0, got ${describe(initialScale)}`);
    }
    if (!Number.isInteger(dynamicGrowthSteps) || dynamicGrowthSteps < 1) {
      throw new ValueError(`lossScaleOptimizer: dynamicGrowthSteps must be an integer >= 1, got ${describe(dynamicGrowthSteps)}`);
    }
    this.innerOptimizer = innerOptimizer;
    this.dynamic = dynamic;
    this.initialScale = initialScale;
    this.dynamicGrowthSteps = dynamicGrowthSteps;
    this.scale = Math.fround(initialScale);
    this.iterations = innerOptimizer.iterations;
  }

  /** The current loss scale S. */
  get lossScale(): number {
    return this.scale;
  }

  /** @internal S as a backend scalar (a non-trainable variable updated in place), read by recorded steps. */
  scaleTensor(): Variable {
    if (this.scaleVariable === null) this.scaleVariable = tidy(() => variable(scalar(this.scale), false, 'loss_scale'));
    return this.scaleVariable;
  }

  /**
   * Applies a step of gradients of the scaled loss: with dynamic scaling, when any gradient holds NaN or an
   * infinity the step is skipped and S halved; otherwise the gradients divided by S go to the inner optimizer (and
   * S doubles after `dynamicGrowthSteps` finite steps). Gradients are not disposed (the caller owns them).
   */
  override applyGradients(pairs: GradientPair[]): void {
    if (!Array.isArray(pairs)) throw new ValueError(`LossScaleOptimizer.applyGradients: pairs must be an array of { variable, grad }, got ${describe(pairs)}`);
    const active = pairs.filter((p) => p.variable.trainable && p.variable.size > 0);
    if (this.dynamic && active.length > 0 && !allFinite(active.map((p) => p.grad))) {
      this.skip();
      return;
    }
    const inverse = 1 / this.scale;
    const unscaled = tidy(() => noGrad(() => pairs.map((p) => (p.variable.trainable ? mulScalar(p.grad, inverse) : p.grad))));
    try {
      this.innerOptimizer.applyGradients(pairs.map((p, i) => ({ variable: p.variable, grad: unscaled[i] })));
    } finally {
      unscaled.forEach((g, i) => { if (g !== pairs[i].grad) g.dispose(); });
    }
    this.iterations = this.innerOptimizer.iterations;
    if (this.dynamic && ++this.finiteSteps >= this.dynamicGrowthSteps) {
      this.finiteSteps = 0;
      const grown = Math.fround(this.scale * 2);
      if (Number.isFinite(grown)) this.setScale(grown);
    }
  }

  private skip(): void {
    this.skippedSteps++;
    this.finiteSteps = 0;
    const halved = Math.fround(this.scale / 2);
    if (halved === 0) {
      const step = this.innerOptimizer.iterations + this.skippedSteps;
      throw new NumericError(`LossScaleOptimizer: the loss scale fell to 0 at step ${step} (${this.skippedSteps} steps skipped so far): ` +
        'the gradients were NaN or infinite at every scale, so the loss itself is not finite; check the data for NaN or huge ' +
        'values, lower the learning rate, or train in float32 or mixed_bfloat16', step);
    }
    this.setScale(halved);
  }

  private setScale(value: number): void {
    this.scale = value;
    this.scaleVariable?.assignData(new Float32Array([value]));
  }

  /** Never runs on the backend in one job: whether a step is applied is decided here, in JavaScript. */
  override kernelCallFor(): OptimizerKernelCall | null {
    return null;
  }

  protected slotNames(): string[] {
    return this.innerOptimizer.stateSlotNames();
  }

  protected kernelCall(): OptimizerKernelCall {
    throw new ValueError('LossScaleOptimizer: the inner optimizer runs the step');
  }

  protected ownConfig(): Record<string, unknown> {
    return {};
  }

  override getLearningRate(): number {
    return this.innerOptimizer.getLearningRate();
  }

  override learningRateAt(iteration: number): number {
    return this.innerOptimizer.learningRateAt(iteration);
  }

  override learningRatesFrom(iteration: number, out: Float64Array): boolean {
    return this.innerOptimizer.learningRatesFrom(iteration, out);
  }

  override setLearningRate(lr: number): void {
    this.innerOptimizer.setLearningRate(lr);
  }

  /** Keras's config: the inner optimizer's `{ className, config }` and the scaling options. */
  override getConfig(): Record<string, unknown> {
    const inner = this.innerOptimizer;
    return { innerOptimizer: { className: inner.className, config: inner.getConfig() }, dynamic: this.dynamic,
      initialScale: this.initialScale, dynamicGrowthSteps: this.dynamicGrowthSteps };
  }

  override getState(): OptimizerStateEntry[] {
    return this.innerOptimizer.getState();
  }

  override setState(state: OptimizerStateEntry[]): void {
    this.innerOptimizer.setState(state);
    this.iterations = this.innerOptimizer.iterations;
  }

  override dispose(): void {
    this.scaleVariable?.dispose();
    this.scaleVariable = null;
    this.innerOptimizer.dispose();
    super.dispose();
  }
}

/** True when every value of `grads` is finite: sum_i sum(g_i * 0) is 0 then, NaN otherwise (one value read). */
function allFinite(grads: Tensor[]): boolean {
  const check = tidy(() => noGrad(() => {
    let total: Tensor | null = null;
    for (const g of grads) {
      const s = sum(mul(g, 0));
      total = total === null ? s : add(total, s);
    }
    return total as Tensor;
  }));
  const value = check.dataSync()[0];
  check.dispose();
  return value === 0;
}

/**
 * `lossScaleOptimizer(adam(), { dynamic, initialScale, dynamicGrowthSteps })`: dynamic loss scaling for
 * mixed_float16 (compile wraps the optimizer in one when a layer's policy is mixed_float16, as Keras does).
 */
export function lossScaleOptimizer(innerOptimizer: Optimizer, options: LossScaleOptimizerOptions = {}): LossScaleOptimizer {
  return new LossScaleOptimizer(innerOptimizer, options);
}

/** Adds the current loss scale as `loss_scale` to a fit's logs when `optimizer` scales the loss. */
export function logLossScale(optimizer: Optimizer, logs: Record<string, number>): void {
  if (optimizer instanceof LossScaleOptimizer) logs.loss_scale = optimizer.lossScale;
}

/**
 * What `compile` trains with, as Keras does: when a layer computes in float16 and `compiled.optimizer` does not scale
 * the loss, the optimizer wrapped in a dynamic LossScaleOptimizer (its config too); `compiled` itself otherwise.
 */
export function withLossScaling<C extends { optimizer: Optimizer; config: { optimizer: { className: string; config: Record<string, unknown> } } }>(
  compiled: C, layers: ReadonlyArray<{ dtypePolicy: { computeDtype: string } }>): C {
  if (compiled.optimizer instanceof LossScaleOptimizer || !layers.some((l) => l.dtypePolicy.computeDtype === 'float16')) return compiled;
  const optimizer = new LossScaleOptimizer(compiled.optimizer);
  return { ...compiled, optimizer, config: { ...compiled.config, optimizer: { className: optimizer.className, config: optimizer.getConfig() } } };
}
