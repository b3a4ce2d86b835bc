/** shardRows: one rank's rows of an array for data-parallel training (lib/distributed). */
import { tensor } from '../ops/creation';
import { ValueError, describe } from '../errors';
import { Random } from '../tensor/random';
import { Tensor } from '../tensor/tensor';
import { toMatrix, type MatrixLike } from './matrix';

/** Options of {@link shardRows}. */
export interface ShardRowsOptions {
  /**
   * Permute the rows with this seed before sharding. Every rank passing the same seed applies the same
   * permutation, so the shards stay disjoint and together cover every row once. Default: no permutation.
   */
  seed?: number;
}

/**
 * The rows j of `x` (first axis) with j % numShards === index, in order, after the optional seeded permutation
 * (`seed`): rank `index` of `numShards` gets rows index, index + numShards, index + 2 * numShards... as
 * `Dataset.shard`. With per-rank batches of b rows, global batch k (rows k * numShards * b .. of the permuted
 * order) is split across the ranks, so N ranks at batch b see the same samples per step as one rank at batch
 * N * b. A Tensor keeps its rank; nested arrays and { data, shape } give a rank-1 or rank-2 tensor.
 * @throws ValueError for numShards < 1, an index outside [0, numShards), or a bad seed.
 */
export function shardRows(x: MatrixLike, numShards: number, index: number, options: ShardRowsOptions = {}): Tensor {
  if (!Number.isInteger(numShards) || numShards < 1) throw new ValueError(`shardRows: numShards must be an integer >= 1, got ${describe(numShards)}`);
  if (!Number.isInteger(index) || index < 0 || index >= numShards) throw new ValueError(`shardRows: index must be an integer in [0, ${numShards - 1}], got ${describe(index)}`);
  if (options.seed !== undefined && (typeof options.seed !== 'number' || !Number.isFinite(options.seed))) throw new ValueError(`shardRows: seed must be a finite number, got ${describe(options.seed)}`);
  let flat: ArrayLike<number>;
  let shape: number[];
  if (x instanceof Tensor) {
    flat = x.dataSync();
    shape = x.shape.slice();
  } else {
    const m = toMatrix(x, 'shardRows: x');
    flat = m.data;
    shape = m.shape.slice();
  }
  if (shape.length === 0) throw new ValueError('shardRows: x must have at least one axis (rows)');
  const rows = shape[0];
  const width = rows === 0 ? 0 : flat.length / rows;
  const order = Array.from({ length: rows }, (_, i) => i);
  if (options.seed !== undefined) new Random(options.seed).shuffle(order);
  const kept = order.filter((_, j) => j % numShards === index);
  const out = new Float32Array(kept.length * width);
  kept.forEach((row, k) => {
    for (let c = 0; c < width; c++) out[k * width + c] = flat[row * width + c];
  });
  return tensor(out, [kept.length, ...shape.slice(1)]);
}
