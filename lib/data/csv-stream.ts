/**
 * fromCsv: a Dataset streamed from a CSV file (plain or gzip) that is never held in memory: blocks of lines are
 * read, parsed from their bytes (numbers without a string per field) and handed on as rows.
 */
import { ValueError, describe } from '../errors';
import { fieldValue, parseDecimalBytes, splitLine } from './csv-fields';
import { forEachLine, lineBlocks, type LineBlock } from './csv-lines';
import { readCsvSchema, type CsvSchema, type FromCsvOptions } from './csv-schema';
import { Dataset } from './dataset';

export type { FromCsvOptions, CsvSchema };

/** An element of {@link fromCsv}: the features of a row and, with a target, its label. */
export interface CsvRow {
  /** Feature values in column order, string columns encoded (see `CsvSchema.featureNames`). */
  xs: Float32Array;
  /** The target: its number, or the class index of a string label. Absent without a target. */
  ys?: number;
}

/** A Dataset of the rows of a CSV file; `schema()` tells the columns, types and encoders it settled on. */
export class CsvDataset extends Dataset<CsvRow> {
  private schemaPromise: Promise<CsvSchema> | null = null;

  /** @internal */
  constructor(readonly path: string, private readonly options: FromCsvOptions) {
    super(() => this.rows());
  }

  /** The schema read from the first rows of the file (read once; the same for every pass). */
  schema(): Promise<CsvSchema> {
    if (this.schemaPromise === null) {
      this.schemaPromise = readCsvSchema(this.path, this.options);
      this.schemaPromise.catch(() => { this.schemaPromise = null; });  // a failed read is retried by the next pass
    }
    return this.schemaPromise;
  }

  private async *rows(): AsyncGenerator<CsvRow[], undefined> {
    const schema = await this.schema();
    const parse = rowParser(schema, this.path);
    for await (const block of lineBlocks(this.path, this.options.blockBytes, 'fromCsv')) {
      const rows = parse(block);
      if (rows.length > 0) yield rows;
    }
    return undefined;
  }
}

/**
 * A dataset of the rows of the CSV file at `path`, read as it is consumed: elements `{ xs, ys }` (`ys` with a
 * `target`). Numeric columns are float32 values; string columns (see `columnTypes`) are categories, encoded by a
 * StringLookup ('oneHot' by default, out-of-vocabulary column first) for features and a LabelEncoder (class
 * index) for the target, learned from the first `vocabularyRows` rows unless given in `encoders`.
 * Errors name the line: a row with the wrong number of fields, a field that is not a number in a numeric column,
 * an unknown label, or an unknown category with `unknownCategory: 'error'`.
 */
export function fromCsv(path: string, options: FromCsvOptions = {}): CsvDataset {
  if (typeof path !== 'string' || path === '') throw new ValueError(`fromCsv: path must be a non-empty string, got ${describe(path)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`fromCsv: options must be an object, got ${describe(options)}`);
  const v = options.vocabularyRows;
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) throw new ValueError(`fromCsv: vocabularyRows must be an integer >= 1, got ${describe(v)}`);
  const b = options.blockBytes;
  if (b !== undefined && (typeof b !== 'number' || !Number.isInteger(b) || b < 1024)) throw new ValueError(`fromCsv: blockBytes must be an integer >= 1024, got ${describe(b)}`);
  return new CsvDataset(path, options);
}

/** The parser of the rows of a block under `schema`; errors name `path` and the line. */
function rowParser(schema: CsvSchema, path: string): (block: LineBlock) => CsvRow[] {
  const { plan, delimiter } = schema;
  const width = plan.length;
  const features = schema.featureNames.length;
  const hasTarget = schema.targetName !== null;
  const fast = delimiter.length === 1 && delimiter !== ' ' && delimiter.charCodeAt(0) < 128;
  const d = delimiter.charCodeAt(0);
  const fail = (line: number, message: string) => new ValueError(`fromCsv: ${path} line ${line}${message}`);

  /** Stores field c of a row: `text` is read only for string columns and for the error of a bad number. */
  const store = (row: CsvRow, c: number, b: Uint8Array, s: number, e: number, line: number, text: string | null) => {
    const col = plan[c];
    let value: number;
    if (col.code === null) {
      const where = `${path} line ${line}, column ${c + 1}`;
      if (text !== null) value = fieldValue(text, where, 'fromCsv');
      else {
        value = Math.fround(parseDecimalBytes(b, s, e));
        if (!Number.isFinite(value)) fieldValue(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8').trim(), where, 'fromCsv');
      }
    } else {
      const v = (text ?? Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8')).trim();
      value = col.code(v);
      if (value < 0) {
        const name = schema.columnNames[c];
        throw fail(line, col.offset < 0
          ? `, column ${c + 1} (${name}): label ${describe(v)} is not a class of the target's LabelEncoder (${schema.classNames?.slice(0, 10).join(', ')}); pass encoders: { ${JSON.stringify(name)}: labelEncoder } fitted on every class`
          : `, column ${c + 1} (${name}): category ${describe(v)} is not in the vocabulary learned from the first rows and unknownCategory is 'error'`);
      }
      if (col.oneHot) { row.xs[col.offset + value] = 1; return; }
    }
    if (col.offset < 0) row.ys = value;
    else row.xs[col.offset] = value;
  };

  return (block) => {
    const out: CsvRow[] = [];
    const b = block.bytes;
    const firstQuote = b.indexOf(34);
    const quotes = firstQuote >= 0 && firstQuote < block.end;
    forEachLine(block, (start, end, line) => {
      if (line === schema.headerLine) return;
      let blank = true;
      for (let i = start; i < end && blank; i++) if (b[i] !== 32 && b[i] !== 9) blank = false;
      if (blank) return;
      const row: CsvRow = hasTarget ? { xs: new Float32Array(features), ys: 0 } : { xs: new Float32Array(features) };
      let count = 0;
      let quoted = false;
      if (quotes) for (let i = start; i < end && !quoted; i++) quoted = b[i] === 34;
      if (fast && !quoted) {
        let s = start;
        for (let i = start; i <= end; i++) {
          if (i === end || b[i] === d) {
            if (count < width) store(row, count, b, s, i, line, null);
            count++;
            s = i + 1;
          }
        }
      } else {
        const fields = splitLine(b.toString('utf8', start, end), delimiter);
        count = fields.length;
        if (count === width) fields.forEach((f, c) => store(row, c, b, 0, 0, line, f));
      }
      if (count !== width) throw fail(line, ` has ${count} fields, expected ${width}`);
      out.push(row);
    });
    return out;
  };
}
