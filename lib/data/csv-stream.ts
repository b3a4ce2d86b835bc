/**
 * fromCsv: a Dataset streamed from a CSV file (plain or gzip) that is never held in memory: blocks of lines are
 * read, parsed from their bytes (numbers without a string per field; off the JavaScript thread for numeric files,
 * one block ahead of the consumer) and handed on as rows.
 */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { csvBatches } from './csv-batches';
import { freshBuffers, parsedBlocks } from './csv-parsed-blocks';
import { readCsvSchema, type CsvSchema, type FromCsvOptions } from './csv-schema';
import { Dataset, checkBatchArgs, type BatchOptions } from './dataset';

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

  /**
   * Batches of the rows, as `Dataset.batch` makes them ({ xs: [n, features], ys: [n] } Tensors), parsed from each
   * block straight into the batch buffers: no object per row (the pipeline fromCsv(...).batch(n) of a fit).
   */
  override batch(batchSize: number, options: BatchOptions = {}): Dataset<unknown> {
    const { size, dropRemainder } = checkBatchArgs(batchSize, options);
    return new Dataset<unknown>(() => csvBatches(this.path, () => this.schema(), this.options.blockBytes, size, dropRemainder));
  }

  private async *rows(): AsyncGenerator<CsvRow[], undefined> {
    const schema = await this.schema();
    const features = schema.featureNames.length;
    // each block's rows get their own buffers: a row's xs is a view of them that the consumer may keep
    for await (const { xs, ys, rows: n } of parsedBlocks(this.path, schema, this.options.blockBytes, freshBuffers(schema))) {
      const rows: CsvRow[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = xs.subarray(i * features, (i + 1) * features);
        rows[i] = ys ? { xs: v, ys: ys[i] } : { xs: v };
      }
      yield rows;
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
