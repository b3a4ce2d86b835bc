/**
 * The base class of every layer: weights as Variables, lazy building from the first input shape,
 * regularization penalties and a config that round-trips through `deserializeLayer`.
 */
import { ShapeError, ValueError, describe } from '../errors';
import { add } from '../ops/binary';
import { tensor } from '../ops/creation';
import { tidy } from '../tensor/scope';
import { shapesEqual } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';
import { Variable, variable } from '../tensor/variable';
import type { Initializer } from '../initializers/initializer';
import { isBuiltInRegularizer } from '../regularizers/l1l2';
import type { Regularizer } from '../regularizers/regularizer';
import type { Constraint } from '../constraints/constraint';
import { GraphNode, isSymbolic, type SymbolicTensor } from './symbolic';
import { checkOptions, optionKeys } from '../options/strict';
import { getGlobalPolicy, toPolicy, type Policy, type PolicySpec } from '../mixed-precision/policy';

/** Options every layer accepts. */
export interface LayerArgs {
  /** Unique name; default `<className>_<n>` in snake case (as Keras). */
  name?: string;
  /** Whether optimizers update the layer's weights. Default true. */
  trainable?: boolean;
  /** Shape of one sample (no batch dimension); only needed on the first layer of a model. */
  inputShape?: number[];
  /**
   * Dtype policy (lib/mixed-precision/policy.ts): 'float32', 'mixed_bfloat16', 'mixed_float16', a Policy or
   * `{ computeDtype, variableDtype }`. Default: the global policy when the layer is made (`setGlobalPolicy`).
   */
  dtype?: PolicySpec;
}

/** The keys every layer takes (LayerArgs). */
export const LAYER_KEYS = optionKeys<LayerArgs>({ name: true, trainable: true, inputShape: true, dtype: true });

/** The factory a layer class is made with: 'Dense' -> 'dense', 'Conv2D' -> 'conv2d', 'MaxPooling1D' -> 'maxPooling1d'. */
function factoryName(className: string): string {
  if (className === 'LeakyReLU') return 'leakyRelu';
  if (className === 'LSTM' || className === 'GRU') return className.toLowerCase();
  if (className === 'SimpleRNN') return 'simpleRnn';
  return className[0].toLowerCase() + className.slice(1).replace(/(\d)D$/, '$1d');
}

const counters = new Map<string, number>();

function defaultName(className: string): string {
  const base = className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** A weight an architecture declares: its full name, shape and whether an optimizer may update it. */
export interface DeclaredShape {
  name: string;
  shape: number[];
  trainable: boolean;
}

let dryRun: DeclaredShape[] | null = null;

/**
 * @internal Runs `build` (of a model from an untrusted config) with `addWeight` recording each weight's name and
 * shape instead of allocating it, and returns them in creation order. The layers built inside have no weights:
 * discard them.
 */
export function recordWeightShapes(build: () => void): DeclaredShape[] {
  const outer = dryRun;
  const recorded: DeclaredShape[] = [];
  dryRun = recorded;
  try {
    build();
  } finally {
    dryRun = outer;
  }
  return recorded;
}

/** A weight with the penalty that applies to it. */
interface WeightEntry {
  variable: Variable;
  regularizer: Regularizer | null;
}

/** Checks that `shape` is an array of positive integers; returns a copy. */
export function checkSampleShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ValueError(`${what} must be a non-empty array of positive integers, got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`);
  }
  return shape.slice();
}

/**
 * A layer maps a batch `x` of shape [batch, ...inputShape] to [batch, ...outputShape]. Subclasses
 * implement `build` (create weights with `addWeight`), `call` (written only in ops, so gradients come from
 * the ops) and `computeOutputShape`.
 */
export abstract class Layer {
  /**
   * The option keys a layer class takes besides LayerArgs' (declare them with `optionKeys<Omit<MyArgs, keyof
   * LayerArgs>>({ ... })`): the constructor then rejects any other key with a ValueError naming the closest one
   * (lib/options/strict.ts). A class that declares none (a custom layer) is not checked.
   */
  static readonly optionKeys: readonly string[] | undefined = undefined;
  /** Registered class name, used by `getConfig`/`deserializeLayer` ('Dense', 'Dropout', ...). */
  abstract readonly className: string;
  /** The layer's name. */
  readonly name: string;
  /** True once `build` created the weights. */
  built = false;
  /** Shape of one input sample, known after `build` (or from `inputShape`). */
  inputShape: number[] | null;
  /** @internal The graph nodes where this layer was applied to symbolic tensors (one per application). */
  readonly inboundNodes: GraphNode[] = [];
  /** The dtype policy: what the layer computes in (its variables are float32). */
  readonly dtypePolicy: Policy;
  private _trainable: boolean;
  private readonly entries: WeightEntry[] = [];

  constructor(args: LayerArgs = {}, className: string) {
    if (args === null || typeof args !== 'object') throw new ValueError(`${className}: options must be an object, got ${describe(args)}`);
    const declared = (new.target as unknown as { optionKeys?: readonly string[] }).optionKeys;
    if (declared) checkOptions(factoryName(className), args, [...LAYER_KEYS, ...declared]);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0)) {
      throw new ValueError(`${className}: name must be a non-empty string, got ${describe(args.name)}`);
    }
    if (args.trainable !== undefined && typeof args.trainable !== 'boolean') throw new ValueError(`${className}: trainable must be a boolean, got ${describe(args.trainable)}`);
    this.name = args.name ?? defaultName(className);
    this._trainable = args.trainable ?? true;
    this.dtypePolicy = args.dtype === undefined ? getGlobalPolicy() : toPolicy(args.dtype, `${className}: dtype`);
    this.inputShape = args.inputShape === undefined ? null : checkSampleShape(args.inputShape, `${className}: inputShape`);
  }

  /** Whether optimizers update this layer's weights (setting it updates every weight). */
  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    this._trainable = value;
  }

  /** Creates the weights for samples of `inputShape` (batch dimension excluded). */
  build(inputShape: number[]): void {
    this.inputShape = inputShape.slice();
    this.built = true;
  }

  /** The forward computation on a batch; `training` switches dropout / batch statistics. */
  abstract call(x: Tensor, training: boolean): Tensor;

  /** The output shape of one sample for an input sample of `inputShape`. */
  abstract computeOutputShape(inputShape: number[]): number[];

  /**
   * On a Tensor: builds on first use, checks the input's sample shape against the built one, then runs `call`.
   * Throws `ShapeError` naming the layer when the shapes disagree.
   * On symbolic tensors (`my.input`, or the result of another `apply` on them): computes nothing, builds the layer
   * for their shapes and returns the symbolic output (see `my.model`). A layer applied twice shares its weights.
   * Merge layers (`concatenate`, `add`, ...) take an array of tensors.
   */
  apply(x: Tensor | Tensor[], training?: boolean): Tensor;
  apply(x: SymbolicTensor | SymbolicTensor[], training?: boolean): SymbolicTensor;
  apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], training = false): Tensor | SymbolicTensor {
    const list = Array.isArray(x) ? x : [x];
    if (list.length > 0 && list.some((t) => isSymbolic(t))) {
      const bad = list.findIndex((t) => !isSymbolic(t));
      if (bad >= 0) throw new ValueError(`${this.name}: inputs must be all symbolic (from my.input) or all Tensors, got a symbolic tensor and ${describe(list[bad])} at index ${bad}`);
      const outputs = this.connect(list as SymbolicTensor[]);
      if (outputs.length !== 1) throw new ValueError(`${this.name}: the layer has ${outputs.length} outputs; use connect() to get all of them`);
      return outputs[0];
    }
    if (Array.isArray(x)) {
      const outs = this.invoke(x as Tensor[], training);
      return outs[0];
    }
    return this.applyTensor(x as Tensor, training);
  }

  /** The Tensor path of `apply` (one input). */
  private applyTensor(x: Tensor, training: boolean): Tensor {
    if (!(x instanceof Tensor)) throw new ValueError(`${this.name}: input must be a Tensor, got ${describe(x)}`);
    const sample = x.shape.slice(1);
    if (x.rank < 2) throw new ShapeError(`${this.name}: input must have a batch dimension and at least one feature dimension, got shape [${x.shape.join(', ')}]`);
    if (!this.built) {
      if (this.inputShape && !shapesEqual(this.inputShape, sample)) {
        throw new ShapeError(`${this.name}: expected samples of shape [${this.inputShape.join(', ')}], got input of shape [${x.shape.join(', ')}]`);
      }
      this.build(sample);
    } else if (this.inputShape && !shapesEqual(this.inputShape, sample)) {
      throw new ShapeError(`${this.name}: expected samples of shape [${this.inputShape.join(', ')}], got input of shape [${x.shape.join(', ')}]`);
    }
    return this.call(x, training);
  }

  /**
   * @internal Applies the layer to symbolic tensors: checks and builds for their shapes (`inferShapes`), records a
   * graph node and returns its outputs.
   */
  connect(inputs: SymbolicTensor[]): SymbolicTensor[] {
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((t) => !isSymbolic(t))) {
      throw new ValueError(`${this.name}: connect expects a non-empty array of symbolic tensors, got ${describe(inputs)}`);
    }
    return new GraphNode(this, inputs.slice(), this.inferShapes(inputs.map((t) => t.shape.slice()))).outputs;
  }

  /**
   * @internal The output sample shapes for inputs of sample shapes `shapes`, building the layer on first use. One
   * input here; multi-input layers (merge layers, models used as layers) override it with `invoke`.
   * Throws ShapeError naming the layer when the shapes do not fit.
   */
  inferShapes(shapes: number[][]): number[][] {
    if (shapes.length !== 1) throw new ValueError(`${this.name}: a ${this.className} layer takes one input, got ${shapes.length}`);
    const sample = shapes[0];
    if (this.inputShape && !shapesEqual(this.inputShape, sample)) {
      throw new ShapeError(`${this.name}: expected samples of shape [${this.inputShape.join(', ')}], got a symbolic input of shape [null, ${sample.join(', ')}]`);
    }
    if (!this.built) this.build(sample.slice());
    return [this.computeOutputShape(sample)];
  }

  /** @internal Runs the layer on real tensors, one per input; returns one tensor per output. */
  invoke(xs: Tensor[], training: boolean): Tensor[] {
    if (xs.length !== 1) throw new ValueError(`${this.name}: a ${this.className} layer takes one input, got ${xs.length}`);
    return [this.applyTensor(xs[0], training)];
  }

  /**
   * @internal `invoke` with the masks of the inputs (a [batch, time] 0 / 1 tensor or null each, from `embedding`
   * with maskZero or `masking`). Layers that use a mask (the recurrent layers) override it; others ignore masks.
   */
  invokeMasked(xs: Tensor[], training: boolean, _masks: ReadonlyArray<Tensor | null>): Tensor[] {
    return this.invoke(xs, training);
  }

  /**
   * The mask of this layer's (first) output, given its inputs and their masks, as Keras's compute_mask: null (no
   * mask) by default; the first input's mask when `passesMask` (elementwise layers such as dropout); `embedding` with
   * maskZero and `masking` make one; recurrent layers pass theirs on with returnSequences.
   */
  computeOutputMask(_xs: Tensor[], masks: ReadonlyArray<Tensor | null>): Tensor | null {
    return this.passesMask ? masks[0] ?? null : null;
  }

  /** Whether the layer hands its input's mask on unchanged (it keeps the time axis and works per step). */
  get passesMask(): boolean {
    return false;
  }

  /**
   * @internal `invoke` with the activity penalties of the outputs (what a model adds to the loss in training).
   * Models used as layers return those of their own layers.
   */
  invokeWithLosses(xs: Tensor[], training: boolean, masks: ReadonlyArray<Tensor | null> = []): { outputs: Tensor[]; activity: Tensor[] } {
    const outputs = masks.some((m) => m !== null) ? this.invokeMasked(xs, training, masks) : this.invoke(xs, training);
    const activity: Tensor[] = [];
    for (const out of outputs) {
      const a = this.activityLoss(out);
      if (a) activity.push(a);
    }
    return { outputs, activity };
  }

  /** Creates a weight Variable from an initializer and registers its optional penalty and constraint. */
  protected addWeight(name: string, shape: number[], initializer: Initializer, regularizer: Regularizer | null = null, trainable = true,
    constraint: Constraint | null = null): Variable {
    if (dryRun) {
      dryRun.push({ name: `${this.name}/${name}`, shape: shape.slice(), trainable });
      return null as unknown as Variable;  // a dry build (recordWeightShapes) never runs the layer
    }
    const v = tidy(() => variable(initializer.init(shape), trainable, `${this.name}/${name}`));
    v.constraint = constraint;
    this.entries.push({ variable: v, regularizer });
    return v;
  }

  /** Every weight, in creation order (trainable and not). */
  get weights(): Variable[] {
    return this.entries.map((e) => e.variable);
  }

  /** The weights an optimizer updates (none when the layer is not trainable). */
  get trainableWeights(): Variable[] {
    return this._trainable ? this.entries.filter((e) => e.variable.trainable).map((e) => e.variable) : [];
  }

  /** The weights optimizers never update (e.g. batch-norm moving statistics), plus all when frozen. */
  get nonTrainableWeights(): Variable[] {
    return this._trainable ? this.entries.filter((e) => !e.variable.trainable).map((e) => e.variable) : this.weights;
  }

  /** Copies of the weights' current values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape.slice()));
  }

  /** Replaces the weights' values (same order and shapes as `getWeights`); throws `ShapeError` otherwise. */
  setWeights(ws: Tensor[]): void {
    const own = this.weights;
    if (!Array.isArray(ws) || ws.length !== own.length) {
      throw new ShapeError(`${this.name}.setWeights: expected ${own.length} tensors, got ${Array.isArray(ws) ? ws.length : describe(ws)}`);
    }
    ws.forEach((w, i) => {
      if (!(w instanceof Tensor)) throw new ValueError(`${this.name}.setWeights: weights[${i}] must be a Tensor, got ${describe(w)}`);
      if (!shapesEqual(w.shape, own[i].shape)) {
        throw new ShapeError(`${this.name}.setWeights: weights[${i}] (${own[i].name}) must have shape [${own[i].shape.join(', ')}], got [${w.shape.join(', ')}]`);
      }
    });
    ws.forEach((w, i) => own[i].assign(w));
  }

  /** Sum of the weight penalties (kernel/bias regularizers), or null when there are none. */
  regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const e of this.entries) {
      if (!e.regularizer || !e.variable.trainable || !this._trainable) continue;
      const p = e.regularizer.penalty(e.variable);
      total = total ? add(total, p) : p;
    }
    return total;
  }

  /**
   * @internal Whether a training step through this layer is a fixed function of its input and weights (no
   * random draws, no JavaScript state that changes from step to step, built-in weight penalties only): then
   * `fit` trusts one recording of the step (lib/models/step-program.ts) instead of comparing two.
   */
  repeatableStep(): boolean {
    return this.deterministicCall() && this.entries.every((e) => e.regularizer === null || isBuiltInRegularizer(e.regularizer));
  }

  /**
   * Whether `call` in training is a fixed function of its input and weights. False here; the library's own
   * deterministic layers say true for themselves, not for their subclasses (which may override `call`).
   */
  protected deterministicCall(): boolean {
    return false;
  }

  /**
   * Checks the values (not only the shape) of data given to a model whose first layer this is, once when the data
   * is given (fit, evaluate, predict), naming `op`: e.g. an embedding's ids. Nothing here; throws a typed error.
   */
  checkInputValues(_x: Tensor, _op: string): void {}

  /** Penalty on this layer's output (activity regularizer), or null. Computed by the model in training. */
  activityLoss(_output: Tensor): Tensor | null {
    return null;
  }

  /** Number of scalar weights. */
  countParams(): number {
    return this.weights.reduce((acc, w) => acc + w.size, 0);
  }

  /** The constructor options that recreate this layer (without weights). */
  getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { name: this.name, trainable: this._trainable };
    if (this.inputShape) cfg.inputShape = this.inputShape.slice();
    if (this.dtypePolicy.mixed) cfg.dtype = this.dtypePolicy.name;
    return cfg;
  }

  /** Disposes every weight. */
  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
    this.entries.length = 0;
    this.built = false;
  }
}
