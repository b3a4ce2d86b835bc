/**
 * `fromCsv(...).batch(n)`: the batches of a CSV file made without an object per row. Each block of lines is parsed
 * into float32 buffers (lib/data/csv-block-parser.ts) and its rows are copied into the batch being filled, whose
 * buffers the batch's Tensors copy (into the backend's pooled storage, so a pass allocates no array per batch). The
 * batches are those `Dataset.batch` makes of the rows.
 */
import { tensor } from '../ops/creation';
import { blockParser } from './csv-block-parser';
import { lineBlocks } from './csv-lines';
import type { CsvSchema } from './csv-schema';

/** A batch of `n` rows: { xs: [n, features], ys: [n] } (no ys without a target). */
function batchOf(xs: Float32Array, ys: Float32Array | null, n: number, features: number): unknown {
  const x = tensor(xs, [n, features]);
  return ys ? { xs: x, ys: tensor(ys, [n]) } : { xs: x };
}

/**
 * A pass over the batches of `batchSize` rows of the CSV file at `path` (the last one smaller unless
 * `dropRemainder`), one batch per chunk.
 */
export async function* csvBatches(path: string, schemaOf: () => Promise<CsvSchema>, blockBytes: number | undefined, batchSize: number,
  dropRemainder: boolean): AsyncGenerator<unknown[], undefined> {
  const schema = await schemaOf();
  const parse = blockParser(schema, path);
  const f = schema.featureNames.length;
  const target = schema.targetName !== null;
  const oneHot = schema.plan.some((c) => c.oneHot);
  let blockX = new Float32Array(0);
  let blockY = new Float32Array(0);
  const bx = new Float32Array(batchSize * f);
  const by = target ? new Float32Array(batchSize) : null;
  let filled = 0;
  for await (const block of lineBlocks(path, blockBytes, 'fromCsv')) {
    if (blockX.length < block.lines * f) {
      blockX = new Float32Array(block.lines * f);
      blockY = new Float32Array(block.lines);
    } else if (oneHot) {
      blockX.fill(0, 0, block.lines * f);  // the parser sets the one-hot columns' ones only
    }
    const n = parse(block, blockX, target ? blockY : null);
    for (let at = 0; at < n;) {
      const take = Math.min(n - at, batchSize - filled);
      bx.set(blockX.subarray(at * f, (at + take) * f), filled * f);
      if (by) by.set(blockY.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === batchSize) {
        const batch = batchOf(bx, by, batchSize, f);
        filled = 0;
        yield [batch];
      }
    }
  }
  if (filled > 0 && !dropRemainder) yield [batchOf(bx.subarray(0, filled * f), by ? by.subarray(0, filled) : null, filled, f)];
  return undefined;
}
