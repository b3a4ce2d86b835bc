/** The schema of a CSV file streamed by fromCsv: names, types, target and encoders, read from the file's first rows. */
import { ValueError, describe } from '../errors';
import { LabelEncoder } from '../preprocessing/label-encoder';
import { StringLookup } from '../preprocessing/vocabulary-lookup';
import { chooseDelimiter, columnTypes, looksLikeHeader, splitLine, type ColumnType } from './csv-fields';
import { forEachLine, lineBlocks } from './csv-lines';

/** Options of {@link fromCsv}. */
export interface FromCsvOptions {
  /** 'auto' (default): the first line is a header when it has text where the second line has numbers. */
  header?: boolean | 'auto';
  /** Field separator: 'auto' (default: ',' then tab then runs of whitespace), ' ' for runs of whitespace, or a string. */
  delimiter?: string;
  /** The label column (`ys` of each element): a header name or an index (negative counts from the end). Default: none. */
  target?: string | number;
  /** Column types by name or as an array; default: 'string' where the first data row's field is not a number. */
  columnTypes?: Record<string, ColumnType> | ColumnType[];
  /**
   * Fitted encoders of string columns by name: a LabelEncoder for the target, a StringLookup for a feature
   * ('oneHot' output: one column per index; 'int': one column holding the index). Columns without one get an
   * encoder fitted on the first `vocabularyRows` rows: LabelEncoder for the target, StringLookup 'oneHot' for a feature.
   */
  encoders?: Record<string, LabelEncoder | StringLookup>;
  /** Rows read at the start of the file to learn the vocabularies of string columns (default 10000). */
  vocabularyRows?: number;
  /**
   * A feature category not in the learned vocabulary: 'oov' (default) maps it to the out-of-vocabulary column
   * (index 0, Keras's StringLookup); 'error' makes it a ValueError naming the line. An unknown target label is
   * always a ValueError.
   */
  unknownCategory?: 'oov' | 'error';
  /** Bytes read per block (default 1 MiB): memory use is about two blocks, whatever the file's size. */
  blockBytes?: number;
}

/** One column as a feature or target: where its value goes in a row and how a string field is coded. */
export interface ColumnPlan {
  type: ColumnType;
  /** Offset in `xs` (features) or -1 for the target. */
  offset: number;
  /** For string columns: the code of a value (an index), or -1 when it has none. */
  code: ((value: string) => number) | null;
  /** For string features: one-hot (the code selects a column) or the code itself in one column. */
  oneHot: boolean;
}

/** What fromCsv learned from the file's first rows. */
export interface CsvSchema {
  /** The delimiter in use. */
  delimiter: string;
  /** Line number of the header (0 without one). */
  headerLine: number;
  columnNames: string[];
  columnTypes: ColumnType[];
  targetName: string | null;
  /** Names of the values of `xs`: a numeric column's name, or `column=token` for each one-hot column. */
  featureNames: string[];
  /** The encoder of each string column, by name (given ones and those learned from the first rows). */
  encoders: Record<string, LabelEncoder | StringLookup>;
  /** The classes of a string target in index order, else null. */
  classNames: string[] | null;
  /** @internal */
  plan: ColumnPlan[];
}

function resolveTarget(target: unknown, names: string[]): number | null {
  if (target === undefined) return null;
  if (typeof target === 'number' && Number.isInteger(target) && target >= -names.length && target < names.length) return target < 0 ? names.length + target : target;
  if (typeof target === 'string' && names.includes(target)) return names.indexOf(target);
  throw new ValueError(`fromCsv: target must be a column name or an index in [-${names.length}, ${names.length - 1}], got ${describe(target)}; columns are ${names.slice(0, 20).join(', ')}`);
}

/** Reads the header and the first `vocabularyRows` data rows of `path` and settles the schema. */
export async function readCsvSchema(path: string, options: FromCsvOptions): Promise<CsvSchema> {
  const want = options.vocabularyRows ?? 10000;
  const lines: { text: string; no: number }[] = [];
  for await (const block of lineBlocks(path, options.blockBytes, 'fromCsv')) {
    forEachLine(block, (s, e, no) => {
      if (lines.length > want) return;
      const text = block.bytes.toString('utf8', s, e);
      if (text.trim() !== '') lines.push({ text, no });
    });
    if (lines.length > want) break;
  }
  if (lines.length === 0) throw new ValueError(`fromCsv: ${path} holds no rows`);
  const d = chooseDelimiter(options.delimiter, lines[0].text, 'fromCsv');
  const split = (l: string) => splitLine(l, d);
  const first = split(lines[0].text);
  const h = options.header ?? 'auto';
  if (h !== 'auto' && typeof h !== 'boolean') throw new ValueError(`fromCsv: header must be true, false or 'auto', got ${describe(h)}`);
  const hasHeader = h === 'auto' ? looksLikeHeader(first, lines.length > 1 ? split(lines[1].text) : null) : h;
  const bodyLines = (hasHeader ? lines.slice(1) : lines).slice(0, want);
  if (bodyLines.length === 0) throw new ValueError(`fromCsv: ${path} has a header but no data rows`);
  const firstFields = split(bodyLines[0].text);
  // the other rows are split only when a string column needs its vocabulary
  let body: string[][] | null = null;
  const bodyFields = (): string[][] => (body ??= bodyLines.map((l) => split(l.text)));
  const width = firstFields.length;
  const names = hasHeader ? first : Array.from({ length: width }, (_, i) => `column_${i}`);
  if (names.length !== width) throw new ValueError(`fromCsv: ${path} header has ${names.length} names but line ${bodyLines[0].no} has ${width} fields`);
  const types = columnTypes(names, firstFields, options.columnTypes, 'fromCsv');
  const t = resolveTarget(options.target, names);
  const unknown = options.unknownCategory ?? 'oov';
  if (unknown !== 'oov' && unknown !== 'error') throw new ValueError(`fromCsv: unknownCategory must be 'oov' or 'error', got ${describe(unknown)}`);
  const given = options.encoders ?? {};
  if (given === null || typeof given !== 'object') throw new ValueError(`fromCsv: encoders must be an object { column: encoder }, got ${describe(given)}`);
  const encoders: Record<string, LabelEncoder | StringLookup> = {};
  const plan: ColumnPlan[] = [];
  const featureNames: string[] = [];
  let classNames: string[] | null = null;
  names.forEach((name, c) => {
    if (types[c] === 'number') {
      plan.push({ type: 'number', offset: c === t ? -1 : featureNames.length, code: null, oneHot: false });
      if (c !== t) featureNames.push(name);
      return;
    }
    const sample = bodyFields().filter((fields) => fields.length === width).map((fields) => fields[c]);
    if (c === t) {
      const enc = given[name] ?? new LabelEncoder().fit(sample);
      if (!(enc instanceof LabelEncoder) || !enc.fitted) throw new ValueError(`fromCsv: encoders[${JSON.stringify(name)}] of the target must be a fitted LabelEncoder, got ${describe(enc)}`);
      const index = new Map(enc.classes.map((v, k) => [String(v), k]));
      encoders[name] = enc;
      classNames = enc.classes.map(String);
      plan.push({ type: 'string', offset: -1, code: (v) => index.get(v) ?? -1, oneHot: false });
      return;
    }
    const lookup = given[name] ?? new StringLookup({ numOovIndices: unknown === 'oov' ? 1 : 0, outputMode: 'oneHot' }).fit(sample);
    if (!(lookup instanceof StringLookup) || !lookup.fitted) throw new ValueError(`fromCsv: encoders[${JSON.stringify(name)}] of a feature must be a fitted StringLookup, got ${describe(lookup)}`);
    encoders[name] = lookup;
    const oneHot = lookup.outputMode === 'oneHot';
    plan.push({ type: 'string', offset: featureNames.length, code: (v) => lookup.indexOf(v), oneHot });
    if (oneHot) {
      const tokens = lookup.inverseTransform(Array.from({ length: lookup.vocabularySize() }, (_, k) => k));
      tokens.forEach((tok, k) => featureNames.push(`${name}=${k < lookup.numOovIndices ? `[UNK${lookup.numOovIndices > 1 ? k : ''}]` : tok}`));
    } else featureNames.push(name);
  });
  for (const k of Object.keys(given)) if (!names.includes(k) || types[names.indexOf(k)] !== 'string') throw new ValueError(`fromCsv: encoders names ${JSON.stringify(k)}, which is not a string column of ${path}`);
  return { delimiter: d, headerLine: hasHeader ? lines[0].no : 0, columnNames: names, columnTypes: types, targetName: t === null ? null : names[t], featureNames, encoders, classNames, plan };
}
