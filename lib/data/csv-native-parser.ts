/**
 * fromCsv's block parser off the JavaScript thread: for files whose columns are all numeric, the CPU addon parses
 * each block on a worker thread (native/cpu/csv_parse.cc, the same values bit for bit), so that parsing overlaps
 * the training step and the JavaScript thread only hands batches on. A line the native parser does not take
 * (quoted fields, a bad value, a wrong number of fields) goes to the TypeScript parser (lib/data/csv-block-parser.ts),
 * which raises the same errors, naming the line, as it always did; the native parser goes on after it. Files with
 * string columns, a whitespace delimiter, or no CPU addon are parsed by the TypeScript parser alone.
 */
import { optionalCpuEntry } from '../native/optional-entry';
import { blockParser } from './csv-block-parser';
import type { LineBlock } from './csv-lines';
import type { CsvSchema } from './csv-schema';

/** A {@link import('./csv-block-parser').BlockParser} that resolves when the rows are in `xs` and `ys`. */
export type AsyncBlockParser = (block: LineBlock, xs: Float32Array, ys: Float32Array | null) => Promise<number>;

/** Bytes that can be part of a number or a line: never a delimiter of the native parser. */
const NOT_DELIMITERS = ' \t\n\r".-+0123456789eE';

/** Whether the native parser takes the rows of files of `schema`: numeric columns and a one-byte delimiter. */
function nativeParses(schema: CsvSchema): boolean {
  const d = schema.delimiter;
  return d.length === 1 && d.charCodeAt(0) < 128 && (d === '\t' || !NOT_DELIMITERS.includes(d)) && schema.plan.every((c) => c.code === null);
}

/**
 * The parser of the blocks of files of `schema` (errors name `path`): native where {@link nativeParses} and the CPU
 * addon loads (`native` false: always TypeScript, on the JavaScript thread).
 */
export function asyncBlockParser(schema: CsvSchema, path: string, native = true): AsyncBlockParser {
  const parseLines = blockParser(schema, path);
  const parseBlock = native && nativeParses(schema) ? optionalCpuEntry('parseCsvBlockAsync') : null;
  if (parseBlock === null) return async (block, xs, ys) => parseLines(block, xs, ys);
  const features = schema.featureNames.length;
  const offsets = Int32Array.from(schema.plan, (c) => c.offset);
  const delimiter = schema.delimiter.charCodeAt(0);
  return async (block, xs, ys) => {
    const b = block.bytes;
    let rows = 0;
    let at = 0;
    let line = block.firstLine;
    while (at < block.end) {
      const stop = new Float64Array(2);
      rows += await parseBlock(b, at, block.end, line, schema.headerLine, delimiter, offsets, features, xs.subarray(rows * features), ys ? ys.subarray(rows) : null, stop);
      [at, line] = [stop[0], stop[1]];
      if (at >= block.end) break;
      // the line the native parser left: the TypeScript parser takes it (or throws the error that names it)
      const nl = b.indexOf(10, at);
      const next = nl < 0 || nl >= block.end ? block.end : nl + 1;
      const one: LineBlock = { bytes: b.subarray(at, next), end: next - at, firstLine: line, lines: 1 };
      rows += parseLines(one, xs.subarray(rows * features), ys ? ys.subarray(rows) : null);
      [at, line] = [next, line + 1];
    }
    return rows;
  };
}
