/**
 * Multi-head attention as Keras's `MultiHeadAttention`: query / key / value projections to `numHeads` heads, scaled
 * dot-product attention per head (with an optional attention mask, causal mask and dropout on the weights), and an
 * output projection. Written in ops: dense projections and the attention ops of lib/ops/attention.ts.
 */
import { ShapeError, ValueError, describe } from '../errors';
import type { Initializer } from '../initializers/initializer';
import { getInitializer } from '../initializers/index';
import { attentionContext, attentionScores, maskedSoftmax } from '../ops/attention';
import { dense as denseOp } from '../ops/fused';
import { reshape } from '../ops/reshape';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { Dropout } from './dropout';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { isSymbolic, type SymbolicTensor } from './symbolic';
import { optionKeys } from '../options/strict';

/** Options of `multiHeadAttention()` (Keras names and defaults). */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of attention heads. Required, a positive integer. */
  numHeads: number;
  /** Size of each head for query and key. Required, a positive integer. */
  keyDim: number;
  /** Size of each head for value. Default keyDim. */
  valueDim?: number;
  /** Dropout rate on the attention weights (training only). Default 0. */
  dropout?: number;
  /** Whether the projections have biases. Default true. */
  useBias?: boolean;
  /** Size of the last axis of the output. Default: the query's last axis. */
  outputShape?: number | [number];
  /** Axes attention runs over: only the time axis of [batch, time, features] inputs (1, -2, [1] or null). */
  attentionAxes?: number | number[] | null;
  /** Initializer of the four kernels. Default 'glorotUniform'. */
  kernelInitializer?: Identifier<Initializer>;
  /** Initializer of the four biases. Default 'zeros'. */
  biasInitializer?: Identifier<Initializer>;
  /** Penalty on the kernels. Default none. */
  kernelRegularizer?: Identifier<Regularizer> | null;
  /** Penalty on the biases. Default none. */
  biasRegularizer?: Identifier<Regularizer> | null;
  /** Seed of the attention dropout's generator. */
  seed?: number;
  /** Causal mask on every call (query step t attends to key steps s <= t); the call option sets it too. Default false. */
  useCausalMask?: boolean;
  /** Every call also outputs the attention weights [batch, heads, T, S]; the call option sets it too. Default false. */
  returnAttentionScores?: boolean;
}

/** Options of one `apply` (Keras's call arguments). */
export interface MultiHeadAttentionCallOptions {
  /** [batch, T, S] of 0 / 1: query step t may attend to key step s where 1. Becomes the node's fourth input. */
  attentionMask?: Tensor | SymbolicTensor | null;
  /** Query step t attends only to key steps s <= t (combined with attentionMask by AND). */
  useCausalMask?: boolean;
  /** Also output the attention weights (before dropout): use `applyWithScores` to get both tensors. */
  returnAttentionScores?: boolean;
  /** Training mode (dropout on). Default false. */
  training?: boolean;
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) <= 0) throw new ValueError(`multiHeadAttention: ${what} must be a positive integer, got ${describe(v)}`);
  return v as number;
}

function checkAxes(axes: unknown): void {
  if (axes === undefined || axes === null || axes === 1 || axes === -2) return;
  if (Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === -2)) return;
  throw new ValueError(`multiHeadAttention: attentionAxes must be the time axis of [batch, time, features] inputs (1, -2, [1] or null), got ${describe(axes)}`);
}

/**
 * Keras's MultiHeadAttention over inputs [batch, T, dq] (query), [batch, S, dv] (value) and [batch, S, dk] (key,
 * default value), with H = numHeads, dh = keyDim, dvh = valueDim:
 * Q = query Wq + bq, K = key Wk + bk, V = value Wv + bv (kernels [d, H, dh] / [d, H, dvh], biases [H, dh] / [H, dvh]);
 * per head A_h = maskedSoftmax(Q_h K_h^T / sqrt(dh)); O_h = dropout(A_h) V_h; out = sum_h O_h Wo_h + bo with the
 * output kernel [H, dvh, outputShape] and bias [outputShape] (outputShape defaults to dq). keyDim is the size of each
 * head: it need not divide anything (as in Keras). Weights, in order: query/kernel, query/bias, key/kernel, key/bias,
 * value/kernel, value/bias, attention_output/kernel, attention_output/bias (no biases with useBias false).
 * `apply([query, value])`, `apply([query, value, key])` or `apply([query, value, key, attentionMask])`, or the mask
 * as the call option `attentionMask`. A row of the mask with no 1 gives that query step zero weights (output = the
 * output bias), where Keras gives uniform weights and PyTorch NaN. Masks of `embedding({ maskZero })` are not
 * propagated: pass them as `attentionMask`.
 */
export class MultiHeadAttention extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<MultiHeadAttentionArgs, keyof LayerArgs>>({
    numHeads: true, keyDim: true, valueDim: true, dropout: true, useBias: true, outputShape: true, attentionAxes: true, kernelInitializer: true,
    biasInitializer: true, kernelRegularizer: true, biasRegularizer: true, seed: true, useCausalMask: true, returnAttentionScores: true,
  });
  readonly className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: number | null;
  readonly seed: number | undefined;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private readonly dropoutLayer: Dropout | null;
  private causal: boolean | null;
  private scoresOut: boolean | null;
  /** [query kernel, query bias, key kernel, ...] once built (biases null without useBias). */
  private projections: Array<{ kernel: Variable; bias: Variable | null }> = [];
  /** The built feature sizes [dq, dv, dk]. */
  private dims: number[] | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args, 'MultiHeadAttention');
    this.numHeads = positiveInt(args.numHeads, 'numHeads');
    this.keyDim = positiveInt(args.keyDim, 'keyDim');
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : positiveInt(args.valueDim, 'valueDim');
    const rate = args.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`multiHeadAttention: dropout must be a number in [0, 1), got ${describe(rate)}`);
    this.dropout = rate;
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw new ValueError(`multiHeadAttention: useBias must be a boolean, got ${describe(args.useBias)}`);
    this.useBias = args.useBias ?? true;
    const out = Array.isArray(args.outputShape) && args.outputShape.length === 1 ? args.outputShape[0] : args.outputShape;
    this.outputShape = out === undefined || out === null ? null : positiveInt(out, 'outputShape');
    checkAxes(args.attentionAxes);
    this.seed = args.seed;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer == null ? null : getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = args.biasRegularizer == null ? null : getRegularizer(args.biasRegularizer);
    this.dropoutLayer = rate > 0 ? new Dropout({ rate, seed: args.seed, name: `${this.name}_dropout` }) : null;
    this.causal = args.useCausalMask ?? null;
    this.scoresOut = args.returnAttentionScores ?? null;
  }

  /** Fixes the call settings on first use; a later call may not change them (one graph node layout per layer). */
  private settle(opts: MultiHeadAttentionCallOptions): void {
    for (const [key, field] of [['useCausalMask', 'causal'], ['returnAttentionScores', 'scoresOut']] as const) {
      const v = opts[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new ValueError(`${this.name}: ${key} must be a boolean, got ${describe(v)}`);
      if (this[field] !== null && this[field] !== v && this.built) throw new ValueError(`${this.name}: ${key} was ${this[field]} when the layer was first applied; make another layer for ${v}`);
      this[field] = v;
    }
  }

  /** The input list of one call: [query, value, key] plus the mask when there is one. */
  private inputsOf<T>(x: T | T[], opts: MultiHeadAttentionCallOptions): T[] {
    const list = Array.isArray(x) ? x.slice() : [x];
    if (opts.attentionMask !== undefined && opts.attentionMask !== null) {
      if (list.length === 2) list.push(list[1]);
      if (list.length !== 3) throw new ValueError(`${this.name}: with the attentionMask option, pass [query, value] or [query, value, key], got ${list.length} inputs`);
      list.push(opts.attentionMask as T);
    }
    return list;
  }

  private optionsOf(options: boolean | MultiHeadAttentionCallOptions | undefined): MultiHeadAttentionCallOptions {
    if (options === undefined || typeof options === 'boolean') return { training: options ?? false };
    if (options === null || typeof options !== 'object') throw new ValueError(`${this.name}: options must be an object, got ${describe(options)}`);
    return options;
  }

  /** Applies the layer: `apply([query, value])`, `apply([query, value, key], { attentionMask, useCausalMask })`. */
  override apply(x: Tensor | Tensor[], options?: boolean | MultiHeadAttentionCallOptions): Tensor;
  override apply(x: SymbolicTensor | SymbolicTensor[], options?: boolean | MultiHeadAttentionCallOptions): SymbolicTensor;
  override apply(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options?: boolean | MultiHeadAttentionCallOptions): Tensor | SymbolicTensor {
    return this.applyWithScores(x as Tensor[], options)[0];
  }

  /** As `apply`, returning [output, attention weights [batch, heads, T, S]] (the weights only with returnAttentionScores). */
  applyWithScores(x: Tensor | Tensor[], options?: boolean | MultiHeadAttentionCallOptions): Tensor[];
  applyWithScores(x: SymbolicTensor | SymbolicTensor[], options?: boolean | MultiHeadAttentionCallOptions): SymbolicTensor[];
  applyWithScores(x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], options?: boolean | MultiHeadAttentionCallOptions): Array<Tensor | SymbolicTensor> {
    const opts = this.optionsOf(options);
    this.settle(opts);
    const list = this.inputsOf<Tensor | SymbolicTensor>(x as Tensor, opts);
    if (list.some((t) => isSymbolic(t))) return this.connect(list as SymbolicTensor[]);
    return this.invoke(list as Tensor[], opts.training ?? false);
  }

  /** One input is not enough: multi-head attention takes [query, value(, key)]. */
  call(x: Tensor): Tensor {
    throw new ValueError(`${this.name}: MultiHeadAttention takes a list [query, value] or [query, value, key], got one tensor of shape [${x.shape.join(', ')}]`);
  }

  /** Checks the sample shapes [[T, dq], [S, dv], [S, dk], [T, S]?]; returns [T, S]. */
  private checkShapes(shapes: number[][], batch = ''): [number, number] {
    if (shapes.length < 2 || shapes.length > 4) throw new ValueError(`${this.name}: MultiHeadAttention takes [query, value], [query, value, key] or [query, value, key, attentionMask], got ${shapes.length} inputs`);
    const names = ['query', 'value', 'key', 'attentionMask'];
    const text = (s: number[]): string => `[${batch || 'batch'}, ${s.join(', ')}]`;
    shapes.slice(0, 3).forEach((s, i) => {
      if (s.length !== 2) throw new ShapeError(`${this.name}: ${names[i]} must have shape [batch, time, features] (attention over the time axis only), got ${text(s)}`);
      if (s[0] === 0) throw new ShapeError(`${this.name}: ${names[i]} has sequence length 0 (shape ${text(s)}); attention needs at least one step`);
      if (s[1] === 0) throw new ShapeError(`${this.name}: ${names[i]} has 0 features (shape ${text(s)})`);
    });
    const [T, S] = [shapes[0][0], shapes[1][0]];
    if (shapes.length >= 3 && shapes[2][0] !== S) throw new ShapeError(`${this.name}: key must have the value's ${S} steps, got ${text(shapes[2])}`);
    if (shapes.length === 4 && (shapes[3].length !== 2 || shapes[3][0] !== T || shapes[3][1] !== S)) {
      throw new ShapeError(`${this.name}: attentionMask must have shape [batch, ${T}, ${S}] (query steps, key steps), got ${text(shapes[3])}`);
    }
    const dims = [shapes[0][1], shapes[1][1], (shapes[2] ?? shapes[1])[1]];
    if (this.dims && dims.some((d, i) => d !== this.dims![i])) {
      throw new ShapeError(`${this.name}: built for query, value and key features [${this.dims.join(', ')}], got [${dims.join(', ')}]`);
    }
    if (!this.built) this.buildFor(dims, shapes[0]);
    return [T, S];
  }

  private buildFor([dq, dv, dk]: number[], queryShape: number[]): void {
    const H = this.numHeads, out = this.outputShape ?? dq;
    const specs: Array<[string, number[], number[]]> = [
      ['query', [dq, H, this.keyDim], [H, this.keyDim]], ['key', [dk, H, this.keyDim], [H, this.keyDim]],
      ['value', [dv, H, this.valueDim], [H, this.valueDim]], ['attention_output', [H, this.valueDim, out], [out]],
    ];
    this.projections = specs.map(([name, kernelShape, biasShape]) => ({
      kernel: this.addWeight(`${name}/kernel`, kernelShape, this.kernelInitializer, this.kernelRegularizer),
      bias: this.useBias ? this.addWeight(`${name}/bias`, biasShape, this.biasInitializer, this.biasRegularizer) : null,
    }));
    this.dims = [dq, dv, dk];
    this.dropoutLayer?.build([H, queryShape[0], queryShape[0]]);
    super.build(queryShape);
  }

  override inferShapes(shapes: number[][]): number[][] {
    const [T, S] = this.checkShapes(shapes);
    const out = [T, this.outputShape ?? shapes[0][1]];
    return this.scoresOut ? [out, [this.numHeads, T, S]] : [out];
  }

  override invoke(xs: Tensor[], training: boolean): Tensor[] {
    if (!Array.isArray(xs)) throw new ValueError(`${this.name}: inputs must be a list of Tensors, got ${describe(xs)}`);
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError(`${this.name}: inputs[${i}] must be a Tensor, got ${describe(x)}`);
      if (x.rank !== 3) throw new ShapeError(`${this.name}: inputs[${i}] must have rank 3 ([batch, time, features] or a [batch, T, S] mask), got shape [${x.shape.join(', ')}]`);
      if (x.shape[0] !== xs[0].shape[0]) throw new ShapeError(`${this.name}: inputs[${i}] has ${x.shape[0]} rows but the query has ${xs[0].shape[0]}`);
    });
    const B = xs[0].shape[0];
    this.checkShapes(xs.map((x) => x.shape.slice(1)), String(B));
    const [query, value] = xs;
    const key = xs[2] ?? value;
    const mask = xs[3] ?? null;
    const H = this.numHeads;
    const [pq, pk, pv, po] = this.projections;
    const q = this.project(query, pq.kernel, pq.bias, H * this.keyDim);
    const k = this.project(key, pk.kernel, pk.bias, H * this.keyDim);
    const v = this.project(value, pv.kernel, pv.bias, H * this.valueDim);
    const scores = attentionScores(q, k, H, 1 / Math.sqrt(this.keyDim));
    const probs = maskedSoftmax(scores, mask, this.causal ?? false);
    const dropped = this.dropoutLayer && training ? this.dropoutLayer.call(probs, true) : probs;
    const context = attentionContext(dropped, v, H);
    const out = this.project(context, po.kernel, po.bias, po.kernel.shape[2]);
    return this.scoresOut ? [out, probs] : [out];
  }

  /** x [B, T, d] @ kernel (read as [d, width]) + bias: [B, T, width] (the dense op takes the 3-D x as it is). */
  private project(x: Tensor, kernel: Variable, bias: Variable | null, width: number): Tensor {
    const d = x.shape[2];
    return denseOp(x, reshape(kernel, [d, width]), bias ? reshape(bias, [width]) : null, 'linear');
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [inputShape[0], this.outputShape ?? inputShape[inputShape.length - 1]];
  }

  override getConfig(): Record<string, unknown> {
    const { inputShape: _drop, ...rest } = super.getConfig();
    return {
      ...rest, numHeads: this.numHeads, keyDim: this.keyDim, valueDim: this.valueDim, dropout: this.dropout,
      useBias: this.useBias, outputShape: this.outputShape, attentionAxes: null, seed: this.seed,
      kernelInitializer: configOf(this.kernelInitializer), biasInitializer: configOf(this.biasInitializer),
      kernelRegularizer: configOf(this.kernelRegularizer), biasRegularizer: configOf(this.biasRegularizer),
      useCausalMask: this.causal ?? false, returnAttentionScores: this.scoresOut ?? false,
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === MultiHeadAttention && this.dropout === 0;
  }

  override dispose(): void {
    this.dropoutLayer?.dispose();
    super.dispose();
  }
}

/** A `MultiHeadAttention` layer: `multiHeadAttention({ numHeads: 4, keyDim: 32 }).apply([x, x])`. */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  if (args === null || typeof args !== 'object') throw new ValueError(`multiHeadAttention: options must be an object with numHeads and keyDim, got ${describe(args)}`);
  return new MultiHeadAttention(args);
}
