/** readCsv: tables (numeric and categorical columns) from CSV (or whitespace-separated) files, plain or gzip-compressed. */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { tensor } from '../ops/creation';
import { IOError, ValueError, describe } from '../errors';
import { openRegularFile, readExactly } from '../io/safe-read';
import type { Tensor } from '../tensor/tensor';
import { LabelEncoder } from '../preprocessing/label-encoder';
import { OneHotEncoder } from '../preprocessing/one-hot-encoder';
import { checkOptions, optionKeys } from '../options/strict';
import { chooseDelimiter, columnTypes, fieldValue, isNumber, looksLikeHeader, splitLine, type ColumnType } from './csv-fields';

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /**
   * 'auto' (default): a first line that is not all numbers is a header. A header `rows,features,name...`
   * whose first two fields match the table (the sklearn data set convention of the shipped files) gives
   * class names instead of column names, and its target is the last column. true / false force it.
   */
  header?: boolean | 'auto';
  /** Field separator; 'auto' (default) picks ',' then tab then runs of whitespace; ' ' means runs of whitespace. */
  delimiter?: string;
  /**
   * The column to return as `y`: a column name (with a header) or an index (negative counts from the end).
   * Default: the last column for the sklearn header convention, none otherwise.
   */
  target?: string | number;
  /**
   * Most bytes of text accepted, after decompression for gzip files (a gzip bomb stops there with an
   * IOError `EFBIG`). Default 256 MiB.
   */
  maxBytes?: number;
  /**
   * Types of columns, by header name or as an array of every column's type: 'number' or 'string' (categories).
   * Default: a column is 'string' when its field in the first data row is not a number.
   */
  columnTypes?: Record<string, ColumnType> | ColumnType[];
}

const READ_CSV_KEYS = optionKeys<ReadCsvOptions>({ header: true, delimiter: true, target: true, maxBytes: true, columnTypes: true });

/** A table read by {@link readCsv}, categorical columns encoded as numbers. */
export interface CsvTable {
  /** The feature columns, [rows, features]. */
  x: Tensor;
  /** The target column, [rows]; null when no target was chosen. */
  y: Tensor | null;
  /** Names of the feature columns (`column_<i>` without a header). */
  featureNames: string[];
  /** Name of the target column, or null. */
  targetName: string | null;
  /** Class names from a sklearn-convention header, or the classes of a string target (in index order), else null. */
  classNames: string[] | null;
  /** The type of every column, by name: 'number', or 'string' for categories. */
  columnTypes: Record<string, ColumnType>;
  /** The fitted encoder of each string column: a LabelEncoder for the target, a OneHotEncoder for a feature. */
  encoders: Record<string, LabelEncoder | OneHotEncoder>;
}

/** Default of `maxBytes`: 256 MiB of (decompressed) text. */
export const DEFAULT_MAX_CSV_BYTES = 256 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

function tooLarge(path: string, limit: number, what: string): IOError {
  return new IOError(`readCsv: ${JSON.stringify(path)} ${what} more than maxBytes = ${limit} bytes; raise the maxBytes option if the file is trusted`, 'EFBIG', path, 'read');
}

/**
 * Reads a regular file (a FIFO, device or folder is refused; links are followed) as UTF-8 text,
 * gunzipping it when it ends in .gz or starts with the gzip magic bytes. Neither the file nor its
 * decompressed content may exceed `maxBytes` (default {@link DEFAULT_MAX_CSV_BYTES}).
 * @throws ValueError for an unreadable, non-regular or invalid gzip file; IOError `EFBIG` past `maxBytes`.
 */
export function readTextFile(path: string, maxBytes: number = DEFAULT_MAX_CSV_BYTES): string {
  if (typeof path !== 'string' || path === '') throw new ValueError(`readCsv: path must be a non-empty string, got ${describe(path)}`);
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new ValueError(`readCsv: maxBytes must be a positive integer, got ${describe(maxBytes)}`);
  const error = (m: string) => new ValueError(`readCsv: ${m}`);
  const f = openRegularFile(path, 'file', { followLinks: true, error });
  let raw: Buffer;
  try {
    if (f.size > maxBytes) throw tooLarge(path, maxBytes, `has ${f.size} bytes,`);
    raw = readExactly(f, 0, f.size, error);
  } finally {
    fs.closeSync(f.fd);
  }
  if (path.endsWith('.gz') || (raw.length >= 2 && raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1])) {
    try {
      raw = zlib.gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(path, maxBytes, 'decompresses to');
      throw new ValueError(`readCsv: ${JSON.stringify(path)} is not valid gzip: ${(err as Error).message}`);
    }
  }
  return raw.toString('utf8');
}

/**
 * Reads a table. Numeric columns become float32 values; a column whose field in the first data row is not a
 * number (or that `columnTypes` names 'string') holds categories: as the target it is encoded with a
 * LabelEncoder (y = class indices, classNames = its classes), as a feature with a OneHotEncoder (one 0/1 column
 * per category, named `column_category`); both encoders are returned in `encoders`. A field that is not a number
 * in a numeric column is a ValueError naming its line and column; all rows must have the same number of fields.
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): CsvTable {
  checkOptions('readCsv', options, READ_CSV_KEYS);
  return parseCsv(readTextFile(path, options.maxBytes ?? DEFAULT_MAX_CSV_BYTES), options, path);
}

/** {@link readCsv} on text already in memory; `source` names it in errors. */
export function parseCsv(text: string, options: ReadCsvOptions = {}, source = 'text'): CsvTable {
  checkOptions('parseCsv', options, READ_CSV_KEYS);
  const lines = text.split(/\r?\n/).map((l, i) => ({ l, no: i + 1 })).filter(({ l }) => l.trim() !== '');
  if (lines.length === 0) throw new ValueError(`readCsv: ${source} holds no rows`);
  const d = chooseDelimiter(options.delimiter, lines[0].l, 'readCsv');
  const split = (line: string) => splitLine(line, d);
  const first = split(lines[0].l);
  const headerOpt = options.header ?? 'auto';
  if (headerOpt !== 'auto' && typeof headerOpt !== 'boolean') throw new ValueError(`readCsv: header must be true, false or 'auto', got ${describe(headerOpt)}`);
  const hasHeader = headerOpt === 'auto' ? looksLikeHeader(first, lines.length > 1 ? split(lines[1].l) : null) : headerOpt;
  const body = hasHeader ? lines.slice(1) : lines;
  if (body.length === 0) throw new ValueError(`readCsv: ${source} has a header but no data rows`);
  const firstRow = split(body[0].l);
  const width = firstRow.length;
  let names = Array.from({ length: width }, (_, i) => `column_${i}`);
  let classNames: string[] | null = null;
  let defaultTarget: number | null = null;
  if (hasHeader) {
    const sk = first.length >= 2 && isNumber(first[0]) && isNumber(first[1]) && Number(first[0]) === body.length && Number(first[1]) === width - 1;
    if (sk) {
      classNames = first.slice(2);
      names = [...Array.from({ length: width - 1 }, (_, i) => `feature_${i}`), 'target'];
      defaultTarget = width - 1;
    } else {
      if (first.length !== width) throw new ValueError(`readCsv: ${source} header has ${first.length} names but rows have ${width} fields`);
      names = first;
    }
  }
  const types = columnTypes(names, firstRow, options.columnTypes, 'readCsv');
  const values = new Float32Array(body.length * width);
  const strings: string[][] = types.map((t) => (t === 'string' ? new Array<string>(body.length) : []));
  body.forEach(({ l, no }, r) => {
    const fields = r === 0 ? firstRow : split(l);
    if (fields.length !== width) throw new ValueError(`readCsv: ${source} line ${no} has ${fields.length} fields, expected ${width}`);
    for (let c = 0; c < width; c++) {
      if (types[c] === 'string') strings[c][r] = fields[c];
      else values[r * width + c] = fieldValue(fields[c], `${source} line ${no}, column ${c + 1}`);
    }
  });
  const t = resolveTarget(options.target, names, defaultTarget);
  const encoders: Record<string, LabelEncoder | OneHotEncoder> = {};
  let y: Float32Array | null = null;
  if (t !== null) {
    if (types[t] === 'string') {
      const enc = new LabelEncoder();
      y = Float32Array.from(enc.fitTransform(strings[t]));
      encoders[names[t]] = enc;
      classNames = enc.classes.map(String);
    } else {
      y = new Float32Array(body.length);
      for (let r = 0; r < body.length; r++) y[r] = values[r * width + t];
    }
  }
  const columns: { names: string[]; value: (r: number, out: Float32Array, at: number) => void }[] = [];
  for (let c = 0; c < width; c++) {
    if (c === t) continue;
    if (types[c] === 'number') { columns.push({ names: [names[c]], value: (r, out, at) => { out[at] = values[r * width + c]; } }); continue; }
    const enc = new OneHotEncoder().fit(strings[c]);
    encoders[names[c]] = enc;
    const index = new Map(enc.categories[0].map((v, k) => [v, k]));
    columns.push({ names: enc.featureNames([names[c]]), value: (r, out, at) => { out[at + (index.get(strings[c][r]) as number)] = 1; } });
  }
  const featureNames = columns.flatMap((col) => col.names);
  const x = new Float32Array(body.length * featureNames.length);
  for (let r = 0; r < body.length; r++) {
    let at = r * featureNames.length;
    for (const col of columns) { col.value(r, x, at); at += col.names.length; }
  }
  return {
    x: tensor(x, [body.length, featureNames.length]),
    y: y === null ? null : tensor(y, [body.length]),
    featureNames,
    targetName: t === null ? null : names[t],
    classNames,
    columnTypes: Object.fromEntries(names.map((n, i) => [n, types[i]])),
    encoders,
  };
}

function resolveTarget(target: string | number | undefined, names: string[], fallback: number | null): number | null {
  if (target === undefined) return fallback;
  if (typeof target === 'number') {
    const i = target < 0 ? names.length + target : target;
    if (!Number.isInteger(target) || i < 0 || i >= names.length) {
      throw new ValueError(`readCsv: target index must be an integer in [-${names.length}, ${names.length - 1}], got ${describe(target)}`);
    }
    return i;
  }
  if (typeof target === 'string') {
    const i = names.indexOf(target);
    if (i >= 0) return i;
    throw new ValueError(`readCsv: target column ${JSON.stringify(target)} not found; columns are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`);
  }
  throw new ValueError(`readCsv: target must be a column name or index, got ${describe(target)}`);
}
