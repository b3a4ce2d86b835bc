/**
 * The blocks of a CSV file parsed into float32 rows, one block ahead: while the consumer works on the rows of one
 * block, the next is read and parsed (off the JavaScript thread where lib/data/csv-native-parser.ts can). Memory
 * stays at about two blocks of bytes and two of rows, whatever the file's size.
 */
import { lineBlocks } from './csv-lines';
import { asyncBlockParser } from './csv-native-parser';
import type { CsvSchema } from './csv-schema';

/** The rows of one block: row i's features at xs[i * features, (i + 1) * features), its target at ys[i]. */
export interface ParsedBlock {
  xs: Float32Array;
  ys: Float32Array | null;
  rows: number;
}

/** Buffers for the rows of a block: fresh ones, or reused ones (`slot` alternates between 0 and 1). */
export type RowBuffers = (slot: number, rows: number) => { xs: Float32Array; ys: Float32Array | null };

/**
 * Buffers that two slots reuse, grown when a block holds more rows: a parsed block stays valid until the consumer
 * asks for the block after the next one, that is while it holds the rows of the block it was given last.
 */
export function reusedBuffers(schema: CsvSchema): RowBuffers {
  const f = schema.featureNames.length;
  const target = schema.targetName !== null;
  const oneHot = schema.plan.some((c) => c.oneHot);
  const slots = [0, 1].map(() => ({ xs: new Float32Array(0), ys: new Float32Array(0) }));
  return (slot, rows) => {
    const s = slots[slot];
    if (s.xs.length < rows * f || s.ys.length < rows) {
      s.xs = new Float32Array(rows * f);
      s.ys = new Float32Array(rows);
    } else if (oneHot) {
      s.xs.fill(0, 0, rows * f);  // the parser sets the one-hot columns' ones only
    }
    return { xs: s.xs, ys: target ? s.ys : null };
  };
}

/** New buffers for every block (its rows may be kept by the consumer, e.g. as views in a shuffle buffer). */
export function freshBuffers(schema: CsvSchema): RowBuffers {
  const f = schema.featureNames.length;
  const target = schema.targetName !== null;
  return (_slot, rows) => ({ xs: new Float32Array(rows * f), ys: target ? new Float32Array(rows) : null });
}

/**
 * A pass over the parsed blocks of the file at `path` (those without rows skipped). Errors of a block (a bad row,
 * naming its line) come when the consumer reaches that block. Stopping early waits for the parse in flight and
 * closes the file.
 */
export async function* parsedBlocks(path: string, schema: CsvSchema, blockBytes: number | undefined, buffers: RowBuffers): AsyncGenerator<ParsedBlock, undefined> {
  const parse = asyncBlockParser(schema, path);
  const blocks = lineBlocks(path, blockBytes, 'fromCsv');
  const parseNext = async (slot: number): Promise<ParsedBlock | null> => {
    const r = await blocks.next();
    if (r.done) return null;
    const { xs, ys } = buffers(slot, r.value.lines);
    return { xs, ys, rows: await parse(r.value, xs, ys) };
  };
  let slot = 0;
  let pending = parseNext(slot);
  try {
    for (;;) {
      const block = await pending;
      if (block === null) return undefined;
      slot ^= 1;
      pending = parseNext(slot);  // the next block is read and parsed while the consumer works on this one
      pending.catch(() => undefined);  // its error is raised when the consumer reaches it
      if (block.rows > 0) yield block;
    }
  } finally {
    await pending.catch(() => undefined);  // no parse writes into the buffers once the pass is over
    await blocks.return(undefined);
  }
}
