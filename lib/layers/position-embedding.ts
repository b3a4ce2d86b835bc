/**
 * PositionEmbedding (as keras-hub's): a learned [sequenceLength, features] table of positions. The layer adds
 * nothing itself: it returns the table's first T rows broadcast to the input's shape, and the model adds them,
 * `add([x, positionEmbedding({ sequenceLength }).apply(x)])` (token + position, as in keras-hub's examples).
 */
import { ShapeError, ValueError, describe } from '../errors';
import { getInitializer } from '../initializers/index';
import type { Initializer } from '../initializers/initializer';
import { slice } from '../ops/indexing';
import { broadcastTo } from '../ops/reshape';
import { getRegularizer } from '../regularizers/index';
import type { Regularizer } from '../regularizers/regularizer';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { configOf, type Identifier } from './kernel-layer';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `positionEmbedding()`. */
export interface PositionEmbeddingArgs extends LayerArgs {
  /** The longest sequence the table holds (its rows). Required, a positive integer. */
  sequenceLength: number;
  /** Initializer of the table. Default 'glorotUniform' (keras-hub's default). */
  initializer?: Identifier<Initializer>;
  /** Penalty on the table. Default none. */
  embeddingsRegularizer?: Identifier<Regularizer> | null;
}

/**
 * For x [batch, T, ...features] with T <= sequenceLength: y[b, t, ...] = embeddings[t, ...], the weight
 * `embeddings` of shape [sequenceLength, ...features]; x's values are not read. The gradient of the table is the
 * sum over the batch of the upstream gradient at rows 0..T-1 (0 for the rows past T).
 */
export class PositionEmbedding extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<PositionEmbeddingArgs, keyof LayerArgs>>({ sequenceLength: true, initializer: true, embeddingsRegularizer: true });
  readonly className = 'PositionEmbedding';
  readonly sequenceLength: number;
  private readonly initializer: Initializer;
  private readonly regularizer: Regularizer | null;
  /** The table; null before build. */
  embeddings: Variable | null = null;

  constructor(args: PositionEmbeddingArgs) {
    super(args, 'PositionEmbedding');
    if (!Number.isInteger(args.sequenceLength) || args.sequenceLength <= 0) {
      throw new ValueError(`positionEmbedding: sequenceLength must be a positive integer, got ${describe(args.sequenceLength)}`);
    }
    this.sequenceLength = args.sequenceLength;
    this.initializer = getInitializer(args.initializer ?? 'glorotUniform');
    this.regularizer = args.embeddingsRegularizer == null ? null : getRegularizer(args.embeddingsRegularizer);
  }

  private checkSample(sample: number[]): void {
    if (sample.length < 2) throw new ShapeError(`${this.name}: input must be [batch, time, ...features], got samples of shape [${sample.join(', ')}]`);
    if (sample[0] > this.sequenceLength) throw new ShapeError(`${this.name}: sequence length ${sample[0]} is longer than sequenceLength ${this.sequenceLength}`);
  }

  override build(inputShape: number[]): void {
    this.checkSample(inputShape);
    this.embeddings = this.addWeight('embeddings', [this.sequenceLength, ...inputShape.slice(1)], this.initializer, this.regularizer);
    super.build(inputShape);
  }

  call(x: Tensor): Tensor {
    const steps = x.shape[1];
    if (steps === 0) throw new ShapeError(`${this.name}: sequence length 0 (input shape [${x.shape.join(', ')}])`);
    const table = this.embeddings as Variable;
    const rows = steps === this.sequenceLength ? table : slice(table, [0], [steps]);
    return broadcastTo(rows, x.shape.slice());
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), sequenceLength: this.sequenceLength, initializer: configOf(this.initializer),
      embeddingsRegularizer: configOf(this.regularizer),
    };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === PositionEmbedding;
  }
}

/** A `PositionEmbedding` layer: `positionEmbedding({ sequenceLength: 64 })`, added to the token embeddings. */
export function positionEmbedding(args: PositionEmbeddingArgs): PositionEmbedding {
  if (args === null || typeof args !== 'object') throw new ValueError(`positionEmbedding: options must be an object with sequenceLength, got ${describe(args)}`);
  return new PositionEmbedding(args);
}
