/**
 * `fromCsv(...).batch(n)`: the batches of a CSV file made without an object per row. Each block of lines is parsed
 * into float32 buffers (lib/data/csv-parsed-blocks.ts, off the JavaScript thread where it can) and the batch's
 * Tensors copy its rows (into the backend's pooled storage, so a pass allocates no array per batch). The batches
 * are those `Dataset.batch` makes of the rows.
 */
import { tensor } from '../ops/creation';
import { parsedBlocks, reusedBuffers } from './csv-parsed-blocks';
import type { CsvSchema } from './csv-schema';

/** A batch of `n` rows: { xs: [n, features], ys: [n] } (no ys without a target). */
function batchOf(xs: Float32Array, ys: Float32Array | null, n: number, features: number): unknown {
  const x = tensor(xs, [n, features]);
  return ys ? { xs: x, ys: tensor(ys, [n]) } : { xs: x };
}

/**
 * A pass over the batches of `batchSize` rows of the CSV file at `path` (the last one smaller unless
 * `dropRemainder`), one batch per chunk. A batch inside one block is made from the block's rows directly; one that
 * spans blocks is gathered first.
 */
export async function* csvBatches(path: string, schemaOf: () => Promise<CsvSchema>, blockBytes: number | undefined, batchSize: number,
  dropRemainder: boolean): AsyncGenerator<unknown[], undefined> {
  const schema = await schemaOf();
  const f = schema.featureNames.length;
  const target = schema.targetName !== null;
  const bx = new Float32Array(batchSize * f);
  const by = target ? new Float32Array(batchSize) : null;
  let filled = 0;
  for await (const block of parsedBlocks(path, schema, blockBytes, reusedBuffers(schema))) {
    const { xs, ys, rows } = block;
    for (let at = 0; at < rows;) {
      const take = Math.min(rows - at, batchSize - filled);
      if (take === batchSize) {
        yield [batchOf(xs.subarray(at * f, (at + take) * f), ys ? ys.subarray(at, at + take) : null, take, f)];
        at += take;
        continue;
      }
      bx.set(xs.subarray(at * f, (at + take) * f), filled * f);
      if (by && ys) by.set(ys.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === batchSize) {
        filled = 0;
        yield [batchOf(bx, by, batchSize, f)];
      }
    }
  }
  if (filled > 0 && !dropRemainder) yield [batchOf(bx.subarray(0, filled * f), by ? by.subarray(0, filled) : null, filled, f)];
  return undefined;
}
