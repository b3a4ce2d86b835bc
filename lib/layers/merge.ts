/**
 * Merge layers: several inputs of one batch, one output, written only in ops (gradients come from them).
 *
 * | layer         | output                                  | inputs                                |
 * | ------------- | --------------------------------------- | ------------------------------------- |
 * | `concatenate` | the inputs joined along `axis` (-1)     | >= 2, equal shapes outside `axis`     |
 * | `add`         | x1 + x2 + ... + xn                      | >= 2, equal shapes                    |
 * | `subtract`    | x1 - x2                                 | exactly 2, equal shapes               |
 * | `multiply`    | x1 * x2 * ... * xn (elementwise)        | >= 2, equal shapes                    |
 * | `average`     | (x1 + ... + xn) / n                     | >= 2, equal shapes                    |
 * | `maximum`     | elementwise max (gradient to the larger; ties: to the first) | >= 2, equal shapes |
 * | `minimum`     | elementwise min (as maximum)            | >= 2, equal shapes                    |
 */
import { ShapeError, ValueError, describe } from '../errors';
import { add as addOp, maximum as maximumOp, minimum as minimumOp, mul, sub } from '../ops/binary';
import { concat } from '../ops/indexing';
import { mulScalar } from '../ops/unary';
import { shapesEqual } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

const text = (s: readonly number[]): string => `[null, ${s.join(', ')}]`;

/** The base of merge layers: `inferShapes` checks the input shapes, `invoke` runs `merge` on the batch tensors. */
export abstract class Merge extends Layer {
  static override readonly optionKeys: readonly string[] = [];
  /** Exactly this many inputs (subtract: 2), or null for any number >= 2. */
  protected readonly arity: number | null = null;

  /** The merged batch. */
  protected abstract merge(xs: Tensor[]): Tensor;

  /** The output sample shape for input sample shapes that passed `checkShapes`. */
  protected abstract mergedShape(shapes: number[][]): number[];

  /** Throws ShapeError naming the layer unless the sample shapes can be merged (default: all equal). */
  protected checkShapes(shapes: number[][]): void {
    shapes.forEach((s, i) => {
      if (!shapesEqual(s, shapes[0])) {
        throw new ShapeError(`${this.name}: ${this.className} needs inputs of one shape, got ${text(shapes[0])} at index 0 and ${text(s)} at index ${i}`);
      }
    });
  }

  private checkCount(n: number): void {
    if (this.arity !== null ? n !== this.arity : n < 2) {
      throw new ValueError(`${this.name}: ${this.className} takes ${this.arity ?? 'a list of at least 2'} inputs, got ${n}`);
    }
  }

  override inferShapes(shapes: number[][]): number[][] {
    this.checkCount(shapes.length);
    this.checkShapes(shapes);
    if (!this.built) super.build(shapes[0]);
    return [this.mergedShape(shapes)];
  }

  override invoke(xs: Tensor[], _training: boolean): Tensor[] {
    this.checkCount(xs.length);
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError(`${this.name}: inputs[${i}] must be a Tensor, got ${describe(x)}`);
      if (x.rank < 2) throw new ShapeError(`${this.name}: inputs[${i}] must have a batch dimension, got shape [${x.shape.join(', ')}]`);
      if (x.shape[0] !== xs[0].shape[0]) throw new ShapeError(`${this.name}: inputs[${i}] has ${x.shape[0]} rows but inputs[0] has ${xs[0].shape[0]}`);
    });
    this.checkShapes(xs.map((x) => x.shape.slice(1)));
    if (!this.built) super.build(xs[0].shape.slice(1));
    return [this.merge(xs)];
  }

  /** A merge layer takes a list: `layer.apply([a, b])`. */
  call(x: Tensor): Tensor {
    throw new ValueError(`${this.name}: ${this.className} takes a list of tensors (layer.apply([a, b])), got one tensor of shape [${x.shape.join(', ')}]`);
  }

  /** The output shape for several inputs is `inferShapes`; one shape stands for inputs that all have it. */
  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  /** The options (no input shape: a merge layer's inputs come from the graph). */
  override getConfig(): Record<string, unknown> {
    const { inputShape: _drop, ...rest } = super.getConfig();
    return rest;
  }

  protected override deterministicCall(): boolean {
    return BUILT_IN.has(this.constructor);
  }
}

/** Elementwise merges: the output has the inputs' shape. */
abstract class ElementwiseMerge extends Merge {
  protected mergedShape(shapes: number[][]): number[] {
    return shapes[0].slice();
  }
}

/** Merges that fold a binary op over the inputs: op(op(x1, x2), x3) ... */
abstract class FoldMerge extends ElementwiseMerge {
  protected abstract readonly op: (a: Tensor, b: Tensor) => Tensor;
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => this.op(acc, x), xs[0]);
  }
}

/** x1 + x2 + ... + xn. */
export class Add extends FoldMerge {
  readonly className = 'Add';
  protected readonly op = addOp;
  constructor(args: LayerArgs = {}) { super(args, 'Add'); }
}

/** x1 * x2 * ... * xn (elementwise). */
export class Multiply extends FoldMerge {
  readonly className = 'Multiply';
  protected readonly op = mul;
  constructor(args: LayerArgs = {}) { super(args, 'Multiply'); }
}

/** Elementwise maximum of the inputs. */
export class Maximum extends FoldMerge {
  readonly className = 'Maximum';
  protected readonly op = maximumOp;
  constructor(args: LayerArgs = {}) { super(args, 'Maximum'); }
}

/** Elementwise minimum of the inputs. */
export class Minimum extends FoldMerge {
  readonly className = 'Minimum';
  protected readonly op = minimumOp;
  constructor(args: LayerArgs = {}) { super(args, 'Minimum'); }
}

/** x1 - x2 (exactly two inputs). */
export class Subtract extends ElementwiseMerge {
  readonly className = 'Subtract';
  protected override readonly arity = 2;
  constructor(args: LayerArgs = {}) { super(args, 'Subtract'); }
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0], xs[1]);
  }
}

/** (x1 + ... + xn) / n. */
export class Average extends ElementwiseMerge {
  readonly className = 'Average';
  constructor(args: LayerArgs = {}) { super(args, 'Average'); }
  protected merge(xs: Tensor[]): Tensor {
    return mulScalar(xs.slice(1).reduce((acc, x) => addOp(acc, x), xs[0]), 1 / xs.length);
  }
}

/** Options of `concatenate`. */
export interface ConcatenateArgs extends LayerArgs {
  /** Axis of the batch tensors along which to join (the batch axis 0 excluded); default -1 (the last). */
  axis?: number;
}

/** The inputs joined along `axis` (default -1); their shapes must agree on every other axis. */
export class Concatenate extends Merge {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<ConcatenateArgs, keyof LayerArgs>>({ axis: true });
  readonly className = 'Concatenate';
  /** The join axis as given (negative counts from the end). */
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args, 'Concatenate');
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) throw new ValueError(`concatenate: axis must be a non-zero integer (axis 0 is the batch), got ${describe(axis)}`);
    this.axis = axis;
  }

  /** The join axis within a sample (0-based, batch excluded) for samples of `rank` dimensions. */
  private sampleAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank + 1 : this.axis;
    if (a < 1 || a > rank) throw new ShapeError(`${this.name}: axis ${this.axis} does not exist for inputs of rank ${rank + 1} (batch included)`);
    return a - 1;
  }

  protected override checkShapes(shapes: number[][]): void {
    const rank = shapes[0].length;
    const a = this.sampleAxis(rank);
    shapes.forEach((s, i) => {
      if (s.length !== rank || s.some((d, j) => j !== a && d !== shapes[0][j])) {
        throw new ShapeError(`${this.name}: Concatenate on axis ${this.axis} needs inputs that agree on every other axis, got ${text(shapes[0])} at index 0 and ${text(s)} at index ${i}`);
      }
    });
  }

  protected mergedShape(shapes: number[][]): number[] {
    const a = this.sampleAxis(shapes[0].length);
    const out = shapes[0].slice();
    out[a] = shapes.reduce((acc, s) => acc + s[a], 0);
    return out;
  }

  protected merge(xs: Tensor[]): Tensor {
    return concat(xs, this.sampleAxis(xs[0].rank - 1) + 1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** A `Concatenate` layer: `concatenate({ axis: -1 }).apply([a, b])`. */
export function concatenate(args: ConcatenateArgs = {}): Concatenate { return new Concatenate(args); }
/** An `Add` layer: `add().apply([a, b])`. */
export function add(args: LayerArgs = {}): Add { return new Add(args); }
/** A `Subtract` layer: `subtract().apply([a, b])` is a - b. */
export function subtract(args: LayerArgs = {}): Subtract { return new Subtract(args); }
/** A `Multiply` layer (elementwise product). */
export function multiply(args: LayerArgs = {}): Multiply { return new Multiply(args); }
/** An `Average` layer (elementwise mean of the inputs). */
export function average(args: LayerArgs = {}): Average { return new Average(args); }
/** A `Maximum` layer (elementwise max). */
export function maximum(args: LayerArgs = {}): Maximum { return new Maximum(args); }
/** A `Minimum` layer (elementwise min). */
export function minimum(args: LayerArgs = {}): Minimum { return new Minimum(args); }

/** The library's own merge classes (deterministic; subclasses may not be). */
const BUILT_IN = new Set<unknown>([Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate]);
