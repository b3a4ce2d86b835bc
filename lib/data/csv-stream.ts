/**
 * fromCsv: a Dataset streamed from a CSV file (plain or gzip) that is never held in memory: blocks of lines are
 * read, parsed from their bytes (numbers without a string per field) and handed on as rows.
 */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { fieldValue, scanDecimal, scanStop, splitLine } from './csv-fields';
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

const FROM_CSV_KEYS = optionKeys<FromCsvOptions>({
  header: true, delimiter: true, target: true, columnTypes: true, encoders: true, vocabularyRows: true, unknownCategory: true, blockBytes: true,
});

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
  checkOptions('fromCsv', options, FROM_CSV_KEYS);
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

  /** The code of string field c (its text `v`), or a ValueError naming the line. */
  const codeOf = (c: number, v: string, line: number): number => {
    const col = plan[c];
    const k = (col.code as (value: string) => number)(v);
    if (k >= 0) return k;
    const name = schema.columnNames[c];
    throw fail(line, col.offset < 0
      ? `, column ${c + 1} (${name}): label ${describe(v)} is not a class of the target's LabelEncoder (${schema.classNames?.slice(0, 10).join(', ')}); pass encoders: { ${JSON.stringify(name)}: labelEncoder } fitted on every class`
      : `, column ${c + 1} (${name}): category ${describe(v)} is not in the vocabulary learned from the first rows and unknownCategory is 'error'`);
  };
  const numberError = (text: string, line: number, c: number) => fieldValue(text.trim(), `${path} line ${line}, column ${c + 1}`, 'fromCsv');
  /** Stores the value (a number or a string column's code) of column c in the row. */
  const put = (xs: Float32Array, row: CsvRow, c: number, value: number) => {
    const col = plan[c];
    if (col.oneHot) xs[col.offset + value] = 1;
    else if (col.offset < 0) row.ys = value;
    else xs[col.offset] = value;
  };

  /** A row read with the general splitter (quoted fields, whitespace or multi-character delimiters). */
  const slowRow = (text: string, line: number, xs: Float32Array, row: CsvRow): number => {
    const fields = splitLine(text, delimiter);
    if (fields.length !== width) return fields.length;
    fields.forEach((f, c) => put(xs, row, c, plan[c].code === null ? fieldValue(f, `${path} line ${line}, column ${c + 1}`, 'fromCsv') : codeOf(c, f, line)));
    return width;
  };

  return (block) => {
    const out: CsvRow[] = [];
    const b = block.bytes;
    const firstQuote = b.indexOf(34);
    const quotes = firstQuote >= 0 && firstQuote < block.end;
    // One buffer for the features of every row of the block; each row's xs is a view of it.
    const all = new Float32Array(block.lines * features);
    forEachLine(block, (start, end, line) => {
      if (line === schema.headerLine) return;
      let blank = true;
      for (let i = start; i < end && blank; i++) if (b[i] !== 32 && b[i] !== 9) blank = false;
      if (blank) return;
      const base = out.length * features;
      const xs = all.subarray(base, base + features);
      const row: CsvRow = hasTarget ? { xs, ys: 0 } : { xs };
      let quoted = false;
      if (quotes) for (let i = start; i < end && !quoted; i++) quoted = b[i] === 34;
      let count = 0;
      if (fast && !quoted) {
        let i = start;
        for (;;) {
          if (plan[count].code === null) {
            let v = scanDecimal(b, i, end, d);
            v = Math.fround(v);
            if (v - v !== 0) numberError(b.toString('utf8', i, scanStop), line, count);  // NaN or an overflow
            put(xs, row, count, v);
            i = scanStop;
          } else {
            let e = i;
            while (e < end && b[e] !== d) e++;
            put(xs, row, count, codeOf(count, b.toString('utf8', i, e).trim(), line));
            i = e;
          }
          count++;
          if (i >= end) break;
          i++;  // the delimiter
          if (count === width) {
            count++;
            for (; i < end; i++) if (b[i] === d) count++;
            break;
          }
        }
      } else {
        count = slowRow(b.toString('utf8', start, end), line, xs, row);
      }
      if (count !== width) throw fail(line, ` has ${count} fields, expected ${width}`);
      out.push(row);
    });
    return out;
  };
}
