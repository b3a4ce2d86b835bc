/** readCsv: numeric tables from CSV (or whitespace-separated) files, plain or gzip-compressed. */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { tensor } from '../ops/creation';
import { IOError, ValueError, describe } from '../errors';
import { openRegularFile, readExactly } from '../io/safe-read';
import type { Tensor } from '../tensor/tensor';

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
}

/** A numeric table read by {@link readCsv}. */
export interface CsvTable {
  /** The feature columns, [rows, features]. */
  x: Tensor;
  /** The target column, [rows]; null when no target was chosen. */
  y: Tensor | null;
  /** Names of the feature columns (`column_<i>` without a header). */
  featureNames: string[];
  /** Name of the target column, or null. */
  targetName: string | null;
  /** Class names from a sklearn-convention header, else null. */
  classNames: string[] | null;
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

function splitter(delimiter: string | undefined, firstLine: string): (line: string) => string[] {
  let d = delimiter ?? 'auto';
  if (typeof d !== 'string' || d === '') throw new ValueError(`readCsv: delimiter must be a non-empty string or 'auto', got ${describe(delimiter)}`);
  if (d === 'auto') d = firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : ' ';
  if (d === ' ') return (line) => line.trim().split(/\s+/);
  return (line) => line.split(d).map((f) => f.trim());
}

/** A decimal number literal: optional sign, digits with an optional fraction, optional exponent (no 0x/0b/0o, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isNumber = (f: string): boolean => DECIMAL.test(f);

/** The float32 value of a decimal field, or an error naming where it is and why it does not fit. */
function fieldValue(f: string, where: string): number {
  if (!isNumber(f)) throw new ValueError(`readCsv: ${where}: expected a decimal number, got ${describe(f)}`);
  const v = Math.fround(Number(f));
  if (!Number.isFinite(v)) throw new ValueError(`readCsv: ${where}: ${f} overflows float32 (largest magnitude 3.4028235e38)`);
  return v;
}

/**
 * Reads a numeric table. Every data field must be a number (a ValueError names the line and column of the
 * first one that is not); all rows must have the same number of fields.
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): CsvTable {
  return parseCsv(readTextFile(path, options.maxBytes ?? DEFAULT_MAX_CSV_BYTES), options, path);
}

/** {@link readCsv} on text already in memory; `source` names it in errors. */
export function parseCsv(text: string, options: ReadCsvOptions = {}, source = 'text'): CsvTable {
  const lines = text.split(/\r?\n/).map((l, i) => ({ l, no: i + 1 })).filter(({ l }) => l.trim() !== '');
  if (lines.length === 0) throw new ValueError(`readCsv: ${source} holds no rows`);
  const split = splitter(options.delimiter, lines[0].l);
  const first = split(lines[0].l);
  const headerOpt = options.header ?? 'auto';
  if (headerOpt !== 'auto' && typeof headerOpt !== 'boolean') throw new ValueError(`readCsv: header must be true, false or 'auto', got ${describe(headerOpt)}`);
  const hasHeader = headerOpt === 'auto' ? !first.every(isNumber) : headerOpt;
  const body = hasHeader ? lines.slice(1) : lines;
  if (body.length === 0) throw new ValueError(`readCsv: ${source} has a header but no data rows`);
  const width = split(body[0].l).length;
  const values = new Float32Array(body.length * width);
  body.forEach(({ l, no }, r) => {
    const fields = split(l);
    if (fields.length !== width) throw new ValueError(`readCsv: ${source} line ${no} has ${fields.length} fields, expected ${width}`);
    for (let c = 0; c < width; c++) {
      values[r * width + c] = fieldValue(fields[c], `${source} line ${no}, column ${c + 1}`);
    }
  });
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
  const t = resolveTarget(options.target, names, defaultTarget);
  const featureCols = names.map((_, i) => i).filter((i) => i !== t);
  const x = new Float32Array(body.length * featureCols.length);
  const y = t === null ? null : new Float32Array(body.length);
  for (let r = 0; r < body.length; r++) {
    featureCols.forEach((c, k) => { x[r * featureCols.length + k] = values[r * width + c]; });
    if (y !== null) y[r] = values[r * width + t!];
  }
  return {
    x: tensor(x, [body.length, featureCols.length]),
    y: y === null ? null : tensor(y, [body.length]),
    featureNames: featureCols.map((c) => names[c]),
    targetName: t === null ? null : names[t],
    classNames,
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
