/**
 * The base of the recurrent layers (`simpleRnn`, `lstm`, `gru`): the options they share (Keras names and defaults),
 * the weights (kernel [features, k units], recurrentKernel [units, k units], bias), and the forward pass: the input
 * goes time-major, x W + b of every step is one GEMM, the recurrence runs on the fused step kernels of the cell
 * (lib/ops/recurrent.ts), and the outputs go back batch-major. Inputs: `x` [batch, time, features] or
 * [x, ...initialStates] (each [batch, units]).
 */
import { ShapeError, ValueError, describe } from '../errors';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { dense as denseOp } from '../ops/fused';
import { concat, gather, slice } from '../ops/indexing';
import { CELL_ACTIVATIONS, type CellActivation } from '../ops/recurrent';
import { reshape, transpose } from '../ops/reshape';
import { ones, zeros } from '../ops/creation';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { optionKeys } from '../options/strict';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { Dropout } from './dropout';
import { SpatialDropout1D } from './spatial-dropout';
import { CarriedStates } from './recurrent-state';

/** Options every recurrent layer takes. */
export interface RecurrentArgs extends LayerArgs {
  /** Size of the state (and of each output step). Required, a positive integer. */
  units: number;
  /** The cell activation: 'tanh' (default), 'sigmoid', 'relu' or 'linear'. */
  activation?: CellActivation;
  /** Whether the layer has a bias. Default true. */
  useBias?: boolean;
  /** Initializer of the input kernel [features, k units]. Default 'glorotUniform'. */
  kernelInitializer?: Identifier<Initializer>;
  /** Initializer of the recurrent kernel [units, k units]. Default 'orthogonal'. */
  recurrentInitializer?: Identifier<Initializer>;
  /** Initializer of the bias. Default 'zeros'. */
  biasInitializer?: Identifier<Initializer>;
  /** Penalty on the input kernel. Default none. */
  kernelRegularizer?: Identifier<Regularizer> | null;
  /** Penalty on the recurrent kernel. Default none. */
  recurrentRegularizer?: Identifier<Regularizer> | null;
  /** Penalty on the bias. Default none. */
  biasRegularizer?: Identifier<Regularizer> | null;
  /** Return the output of every step [batch, time, units] (true) or the last one [batch, units] (false, default). */
  returnSequences?: boolean;
  /** Also return the final states (h; LSTM: h and c) as further outputs. Default false. */
  returnState?: boolean;
  /** Run over the time steps in reverse order (the output sequence is then in that reversed order, as Keras). Default false. */
  goBackwards?: boolean;
  /**
   * Fraction of the input features dropped in training, with one mask per sample and feature kept over all time
   * steps (Keras's RNN input dropout; scaled by 1 / (1 - rate)): one mask shared by the gates, or one per gate
   * when recurrentDropout is on too (Keras's cells then switch to their per-gate implementation). In [0, 1);
   * default 0.
   */
  dropout?: number;
  /**
   * Fraction of the previous state's units dropped where the state enters the recurrent product, in training, as
   * Keras's recurrent_dropout: one mask per gate (LSTM 4, GRU 3, simple RNN 1), m_g [batch, units] ~
   * Bernoulli(1 - rate) / (1 - rate), drawn once per call and fixed over the time steps; gate g takes
   * x_t W_g + (m_g h_{t-1}) U_g + b_g (the GRU's blend z h_{t-1} keeps the undropped state). It runs inside the
   * fused step kernels. Inactive at inference. In [0, 1); default 0.
   */
  recurrentDropout?: number;
  /** Seed of the dropout masks (default: the global generator); the recurrent masks use seed + 1. */
  seed?: number;
  /**
   * Carry the final states of each batch over as the initial states of the next one, for the sample at the same
   * index (Keras's stateful); `resetStates()` (of the layer or the model) sets them to 0. Needs a fixed batch size
   * (`batchSize` or `batchInputShape`); no gradient flows from one batch into the previous one. Default false.
   */
  stateful?: boolean;
  /** The fixed number of samples per batch of a stateful layer (Keras's batch_size). */
  batchSize?: number;
  /** [batchSize, time, features]: the batch size and the sample shape at once (Keras's batch_input_shape). */
  batchInputShape?: number[];
}

/** The option keys of RecurrentArgs besides LayerArgs'. */
export const RECURRENT_KEYS = optionKeys<Omit<RecurrentArgs, keyof LayerArgs>>({
  units: true, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, returnSequences: true, returnState: true,
  goBackwards: true, dropout: true, recurrentDropout: true, seed: true, stateful: true, batchSize: true, batchInputShape: true,
});

/**
 * What one run of the cell gives: the outputs of every step [T, B, U] (null when the layer does not return
 * sequences: the copy out of the state slots is skipped) and the final states (each [B, U]).
 */
export interface CellRun {
  sequence: Tensor | null;
  finals: Tensor[];
}

function flag(who: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError(`${who}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** args with inputShape taken from batchInputShape [batch, ...sample] when that is given instead. */
function withBatchInputShape(who: string, args: RecurrentArgs): RecurrentArgs {
  const b = args.batchInputShape;
  if (b === undefined || b === null) return args;
  if (!Array.isArray(b) || b.length !== 3 || !b.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError(`${who}: batchInputShape must be [batch, time, features] of positive integers, got ${describe(b)}`);
  }
  if (args.inputShape !== undefined && args.inputShape.join() !== b.slice(1).join()) {
    throw new ValueError(`${who}: inputShape [${args.inputShape.join(', ')}] and batchInputShape [${b.join(', ')}] disagree; give one of them`);
  }
  return { ...args, inputShape: b.slice(1) };
}

/** The fixed batch size from batchSize or batchInputShape (null: none given). */
function fixedBatchSize(who: string, args: RecurrentArgs): number | null {
  const fromShape = args.batchInputShape ? args.batchInputShape[0] : null;
  const b = args.batchSize ?? null;
  if (b !== null && !(Number.isInteger(b) && b > 0)) throw new ValueError(`${who}: batchSize must be a positive integer, got ${describe(b)}`);
  if (b !== null && fromShape !== null && b !== fromShape) {
    throw new ValueError(`${who}: batchSize ${b} and batchInputShape [${(args.batchInputShape as number[]).join(', ')}] disagree; give one of them`);
  }
  return b ?? fromShape;
}

/** Checks a cell activation option. */
export function cellActivation(who: string, name: string, v: unknown, dflt: CellActivation): CellActivation {
  if (v === undefined || v === null) return dflt;
  if (!(CELL_ACTIVATIONS as readonly unknown[]).includes(v)) {
    throw new ValueError(`${who}: ${name} must be one of ${CELL_ACTIVATIONS.join(', ')}, got ${describe(v)}`);
  }
  return v as CellActivation;
}

/** A recurrent layer: subclasses give the gate count, the state count, the weights' extras and the cell run. */
export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly activation: CellActivation;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | undefined;
  readonly stateful: boolean;
  /** The fixed batch size of a stateful layer (null: any). */
  readonly batchSize: number | null;
  /** The states a stateful layer carries between batches; null when not stateful. */
  private carried: CarriedStates | null = null;
  /** The input dropout (a mask per sample and feature, fixed over time: spatial dropout of the sequence). */
  private readonly inputDropout: SpatialDropout1D | null;
  /** Draws the recurrent dropout masks (applied to ones [gates, batch, units]); null when recurrentDropout is 0. */
  private readonly stateDropout: Dropout | null;
  protected readonly kernelInitializer: Initializer;
  protected readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  protected readonly kernelRegularizer: Regularizer | null;
  protected readonly recurrentRegularizer: Regularizer | null;
  protected readonly biasRegularizer: Regularizer | null;
  /** The weights; null before build (bias also without useBias). */
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  /** The factory name used in error messages ('lstm', 'gru', 'simpleRnn'). */
  protected readonly who: string;

  /** Gates per unit: 4 (LSTM), 3 (GRU), 1 (simple RNN). */
  protected abstract readonly gates: number;
  /** States per sample: 2 (LSTM: h, c), else 1. */
  protected abstract readonly stateCount: number;

  protected constructor(args: RecurrentArgs, className: string, who: string) {
    super(withBatchInputShape(who, args), className);
    this.who = who;
    this.stateful = flag(who, 'stateful', args.stateful, false);
    this.batchSize = fixedBatchSize(who, args);
    if (this.stateful && this.batchSize === null) {
      throw new ValueError(`${who}: stateful needs a fixed batch size: give batchSize (e.g. batchSize: 32) or batchInputShape [batch, time, features]`);
    }
    if (!Number.isInteger(args.units) || args.units <= 0) throw new ValueError(`${who}: units must be a positive integer, got ${describe(args.units)}`);
    this.units = args.units;
    this.activation = cellActivation(who, 'activation', args.activation, 'tanh');
    this.useBias = flag(who, 'useBias', args.useBias, true);
    this.returnSequences = flag(who, 'returnSequences', args.returnSequences, false);
    this.returnState = flag(who, 'returnState', args.returnState, false);
    this.goBackwards = flag(who, 'goBackwards', args.goBackwards, false);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer == null ? null : getRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = args.recurrentRegularizer == null ? null : getRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = args.biasRegularizer == null ? null : getRegularizer(args.biasRegularizer);
    const rate = args.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`${who}: dropout must be a number in [0, 1), got ${describe(rate)}`);
    this.dropout = rate;
    this.seed = args.seed ?? undefined;
    this.inputDropout = rate > 0 ? new SpatialDropout1D({ rate, seed: this.seed, name: `${this.name}_dropout` }) : null;
    const recRate = args.recurrentDropout ?? 0;
    if (typeof recRate !== 'number' || !(recRate >= 0 && recRate < 1)) {
      throw new ValueError(`${who}: recurrentDropout must be a number in [0, 1), got ${describe(recRate)}`);
    }
    this.recurrentDropout = recRate;
    this.stateDropout = recRate > 0
      ? new Dropout({ rate: recRate, seed: this.seed === undefined ? undefined : this.seed + 1, name: `${this.name}_recurrent_dropout` })
      : null;
  }

  /** The bias: [k units] (the GRU with resetAfter: [2, 3 units]). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias's initial value (the LSTM sets the forget gate's part to 1 with unitForgetBias). */
  protected initialBias(shape: number[]): Initializer {
    return { className: this.biasInitializer.className, init: () => this.biasInitializer.init(shape), getConfig: () => this.biasInitializer.getConfig() };
  }

  override build(inputShape: number[]): void {
    if (inputShape.length !== 2) {
      throw new ShapeError(`${this.name}: input must have shape [batch, time, features], got samples of shape [${inputShape.join(', ')}]`);
    }
    if (inputShape[0] === 0) throw new ShapeError(`${this.name}: the input has 0 time steps (samples of shape [${inputShape.join(', ')}]); give at least one step`);
    const k = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inputShape[1], k], this.kernelInitializer, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, k], this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', this.biasShape(), this.initialBias(this.biasShape()), this.biasRegularizer);
    this.inputDropout?.build(inputShape);
    this.stateDropout?.build([this.units]);
    super.build(inputShape);
  }

  /** The bias added to x W: [k units] (the GRU with resetAfter: the input row of its bias); null without bias. */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** x W + b over [T B, features] rows. */
  private project(rows: Tensor): Tensor {
    return denseOp(rows, this.kernel as Variable, this.inputBias(), 'linear', 0);
  }

  /** Gate g's columns of x W + b over [T B, features] rows: x W_g + b_g ([T B, units]). */
  private projectGate(rows: Tensor, g: number): Tensor {
    const U = this.units, kernel = this.kernel as Variable, bias = this.inputBias();
    return denseOp(rows, slice(kernel, [0, g * U], [kernel.shape[0], U]), bias === null ? null : slice(bias, [g * U], [U]), 'linear', 0);
  }

  /**
   * x W + b of every step, time-major [T, B, k U]. In training the input dropout masks x: one mask for all gates,
   * or, with recurrent dropout on too, one mask per gate (x m_g) W_g + b_g, as Keras's per-gate cell computes.
   */
  private projectSequence(x: Tensor, training: boolean): Tensor {
    const [B, T, F] = x.shape;
    const rows = (v: Tensor): Tensor => {
      let xt = transpose(v, [1, 0, 2]);
      if (this.goBackwards) xt = gather(xt, Int32Array.from({ length: T }, (_, i) => T - 1 - i), 0);
      return reshape(xt, [T * B, F]);
    };
    const drop = training ? this.inputDropout : null;
    const projected = drop !== null && this.stateDropout !== null
      ? concat(Array.from({ length: this.gates }, (_, g) => this.projectGate(rows(drop.call(x, true)), g)), 1)
      : this.project(rows(drop !== null ? drop.call(x, true) : x));
    return reshape(projected, [T, B, this.gates * this.units]);
  }

  /**
   * Runs the cell over xw [T, B, k U] from the initial states, with the mask [T, B] (or null) and the recurrent
   * dropout masks [k, B, U] (null: none).
   */
  protected abstract runCell(xw: Tensor, initial: Tensor[], mask: Tensor | null, recurrentMask: Tensor | null): CellRun;

  computeOutputShape(inputShape: number[]): number[] {
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  override inferShapes(shapes: number[][]): number[][] {
    this.checkInputShapes(shapes, 'batch');
    const sample = shapes[0];
    if (this.inputShape && (this.inputShape[0] !== sample[0] || this.inputShape[1] !== sample[1])) {
      throw new ShapeError(`${this.name}: expected samples of shape [${this.inputShape.join(', ')}], got [${sample.join(', ')}]`);
    }
    if (!this.built) this.build(sample.slice());
    const out = [this.computeOutputShape(sample)];
    if (this.returnState) for (let i = 0; i < this.stateCount; i++) out.push([this.units]);
    return out;
  }

  /** Throws unless shapes are [[T, F], ...initial states [U]] (none, or one per state). */
  private checkInputShapes(shapes: number[][], batch: string): void {
    const sample = shapes[0];
    if (sample.length !== 2) throw new ShapeError(`${this.name}: input must have shape [batch, time, features], got [${batch}, ${sample.join(', ')}]`);
    if (sample[0] === 0) throw new ShapeError(`${this.name}: the input has 0 time steps (shape [${batch}, ${sample.join(', ')}]); give at least one step`);
    const states = shapes.slice(1);
    if (states.length !== 0 && states.length !== this.stateCount) {
      throw new ValueError(`${this.name}: give the input alone or with ${this.stateCount} initial state(s), got ${states.length}`);
    }
    states.forEach((s, i) => {
      if (s.length !== 1 || s[0] !== this.units) {
        throw new ShapeError(`${this.name}: initial state ${i} must have shape [${batch}, ${this.units}], got [${batch}, ${s.join(', ')}]`);
      }
    });
  }

  call(x: Tensor, training = false): Tensor {
    return this.invoke([x], training)[0];
  }

  override invoke(xs: Tensor[], training: boolean): Tensor[] {
    return this.run(xs, null, training);
  }

  /** The input's mask [batch, time] (from embedding maskZero or masking) makes padded steps keep the state. */
  override invokeMasked(xs: Tensor[], training: boolean, masks: ReadonlyArray<Tensor | null>): Tensor[] {
    return this.run(xs, masks[0] ?? null, training);
  }

  /** With returnSequences the output keeps the input's mask (Keras); the last output has none. */
  override computeOutputMask(_xs: Tensor[], masks: ReadonlyArray<Tensor | null>): Tensor | null {
    return this.returnSequences ? masks[0] ?? null : null;
  }

  /**
   * @internal The forward pass of [x, ...initialStates] with a mask [batch, time] of 0 / 1 (null: none): steps where
   * a sample's mask is 0 keep its previous state (and repeat the previous output).
   */
  run(xs: Tensor[], mask: Tensor | null, training: boolean): Tensor[] {
    if (!Array.isArray(xs) || xs.length === 0) throw new ValueError(`${this.name}: inputs must be a Tensor or a list [x, ...initialStates], got ${describe(xs)}`);
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError(`${this.name}: inputs[${i}] must be a Tensor, got ${describe(x)}`);
    });
    const x = xs[0];
    if (x.rank !== 3) throw new ShapeError(`${this.name}: input must have shape [batch, time, features], got [${x.shape.join(', ')}]`);
    const [B, T] = x.shape;
    xs.slice(1).forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== B) throw new ShapeError(`${this.name}: initial state ${i} must have shape [${B}, ${this.units}], got [${s.shape.join(', ')}]`);
    });
    this.checkInputShapes(xs.map((t) => t.shape.slice(1)), String(B));
    if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T)) {
      throw new ShapeError(`${this.name}: the mask must have shape [${B}, ${T}] (batch, time), got [${mask.shape.join(', ')}]`);
    }
    if (this.inputShape && (this.inputShape[0] !== T || this.inputShape[1] !== x.shape[2])) {
      throw new ShapeError(`${this.name}: expected samples of shape [${this.inputShape.join(', ')}], got input of shape [${x.shape.join(', ')}]`);
    }
    if (!this.built) this.build(x.shape.slice(1));
    let mt = mask === null ? null : transpose(mask, [1, 0]);
    if (this.goBackwards && mt !== null) mt = gather(mt, Int32Array.from({ length: T }, (_, i) => T - 1 - i), 0);
    const xw = this.projectSequence(x, training);
    const initial = xs.length > 1 ? xs.slice(1)
      : this.stateful ? this.carriedStates().initial(B) : Array.from({ length: this.stateCount }, () => zeros([B, this.units]));
    const recurrentMask = this.stateDropout !== null && training ? this.stateDropout.call(ones([this.gates, B, this.units]), true) : null;
    const { sequence, finals } = this.runCell(xw, initial, mt, recurrentMask);
    if (this.stateful && xs.length === 1) this.carriedStates().store(finals);
    const output = this.returnSequences && sequence !== null ? transpose(sequence, [1, 0, 2]) : finals[0];
    return this.returnState ? [output, ...finals] : [output];
  }

  /** The options shared by the recurrent layers as they go into the config. */
  protected recurrentConfig(): Record<string, unknown> {
    return {
      units: this.units, activation: this.activation, useBias: this.useBias,
      kernelInitializer: configOf(this.kernelInitializer), recurrentInitializer: configOf(this.recurrentInitializer),
      biasInitializer: configOf(this.biasInitializer), kernelRegularizer: configOf(this.kernelRegularizer),
      recurrentRegularizer: configOf(this.recurrentRegularizer), biasRegularizer: configOf(this.biasRegularizer),
      returnSequences: this.returnSequences, returnState: this.returnState, goBackwards: this.goBackwards,
      dropout: this.dropout, recurrentDropout: this.recurrentDropout, seed: this.seed ?? null,
      ...(this.stateful ? { stateful: true, batchSize: this.batchSize } : {}),
    };
  }

  /** The carried states of a stateful layer, made at the first call. */
  private carriedStates(): CarriedStates {
    this.carried ??= new CarriedStates(this.name, this.stateCount, this.batchSize as number, this.units);
    return this.carried;
  }

  /** Sets the states a stateful layer carries to 0 (Keras `reset_states`); nothing for a layer that is not stateful. */
  resetStates(): void {
    this.carried?.reset();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.recurrentConfig() };
  }

  override dispose(): void {
    this.carried?.dispose();
    this.inputDropout?.dispose();
    this.stateDropout?.dispose();
    super.dispose();
  }
}
