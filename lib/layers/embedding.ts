/** The Embedding layer: integer ids (as float32) -> rows of a trainable table (Keras semantics). */
import { ShapeError, ValueError, describe } from '../errors';
import { greater } from '../ops/binary';
import { checkIds, embeddingLookup, positiveInt } from '../ops/embedding';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { getInitializer } from '../initializers/index';
import { randomUniform } from '../initializers/basic';
import type { Initializer } from '../initializers/initializer';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `embedding()`. */
export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: ids lie in [0, inputDim). Required, an integer >= 1. */
  inputDim: number;
  /** Length of each embedding vector. Required, an integer >= 1. */
  outputDim: number;
  /** Initializer of the table. Default randomUniform(-0.05, 0.05), as Keras. */
  embeddingsInitializer?: Identifier<Initializer>;
  /** Penalty on the table added to the loss. Default none. */
  embeddingsRegularizer?: Identifier<Regularizer> | null;
  /**
   * Whether id 0 means padding: `computeMask` then returns 1 where an id is not 0 and 0 where it is, for layers that
   * take a mask (the recurrent layers: padded steps keep the state). The lookup itself is unchanged (id 0 has its own row, so with
   * maskZero a vocabulary of n words needs inputDim n + 1). Default false.
   */
  maskZero?: boolean;
  /** Length of the id sequences when fixed: sets `inputShape` to [inputLength] (Keras's input_length). */
  inputLength?: number;
}

/**
 * out[b, ..., :] = table[x[b, ...], :]: a sample of ids of shape [...s] gives [...s, outputDim]. The table is
 * [inputDim, outputDim]. The gradient is a sparse scatter-add into the table's gradient (lib/ops/embedding.ts); an
 * optimizer then updates the whole table as Keras and PyTorch do by default (Adam: moments decay on every row, rows
 * without ids this step move by their momentum only).
 * Ids are checked when data is given (fit / evaluate / predict, or a direct call): an id that is not an integer in
 * [0, inputDim) is a ValueError naming the layer.
 */
export class Embedding extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<EmbeddingArgs, keyof LayerArgs>>({ inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, maskZero: true, inputLength: true });
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | null;
  /** The table, [inputDim, outputDim]; null before build. */
  embeddings: Variable | null = null;

  constructor(args: EmbeddingArgs) {
    if (args === null || typeof args !== 'object') throw new ValueError(`embedding: options must be an object with inputDim and outputDim, got ${describe(args)}`);
    const inputLength = args.inputLength === undefined || args.inputLength === null ? null : positiveInt(args.inputLength, 'embedding', 'inputLength');
    super(inputLength !== null && args.inputShape === undefined ? { ...args, inputShape: [inputLength] } : args, 'Embedding');
    this.inputDim = positiveInt(args.inputDim, this.name, 'inputDim');
    this.outputDim = positiveInt(args.outputDim, this.name, 'outputDim');
    if (args.maskZero !== undefined && typeof args.maskZero !== 'boolean') throw new ValueError(`${this.name}: maskZero must be a boolean, got ${describe(args.maskZero)}`);
    this.maskZero = args.maskZero ?? false;
    this.inputLength = inputLength;
    if (inputLength !== null && this.inputShape && (this.inputShape.length !== 1 || this.inputShape[0] !== inputLength)) {
      throw new ShapeError(`${this.name}: inputLength ${inputLength} contradicts inputShape [${this.inputShape.join(', ')}]`);
    }
    this.embeddingsInitializer = args.embeddingsInitializer === undefined ? randomUniform({ minval: -0.05, maxval: 0.05 }) : getInitializer(args.embeddingsInitializer);
    this.embeddingsRegularizer = args.embeddingsRegularizer == null ? null : getRegularizer(args.embeddingsRegularizer);
  }

  override build(inputShape: number[]): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer, this.embeddingsRegularizer);
    super.build(inputShape);
  }

  call(x: Tensor): Tensor {
    return embeddingLookup(this.embeddings as Variable, x, this.name);
  }

  /** Throws a ValueError naming the layer and `op` unless every id in x is an integer in [0, inputDim). */
  override checkInputValues(x: Tensor, op: string): void {
    checkIds(x, this.inputDim, `${op}: ${this.name}`);
  }

  /**
   * With `maskZero`: mask[b, ...] = 1 where x[b, ...] != 0, else 0 (same shape as x), the mask later layers that
   * take one read (Keras's compute_mask). Null without maskZero.
   */
  computeMask(x: Tensor): Tensor | null {
    return this.maskZero ? greater(x, 0) : null;
  }

  override computeOutputMask(xs: Tensor[]): Tensor | null {
    return this.computeMask(xs[0]);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: configOf(this.embeddingsInitializer),
      embeddingsRegularizer: configOf(this.embeddingsRegularizer),
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Embedding;
  }
}

/** An `Embedding` layer: `embedding({ inputDim: 500, outputDim: 16 })`. */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
