/** readCsv: numeric tables from CSV (or whitespace-separated) files, plain or gzip-compressed. */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { tensor } from '../ops/creation';
import { ValueError, describe } from '../errors';
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

/** Reads a file, gunzipping it when it ends in .gz or starts with the gzip magic bytes. */
export function readTextFile(path: string): string {
  if (typeof path !== 'string' || path === '') throw new ValueError(`readCsv: path must be a non-empty string, got ${describe(path)}`);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(path);
  } catch (err) {
    throw new ValueError(`readCsv: cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  if (path.endsWith('.gz') || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b)) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch (err) {
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

const isNumber = (f: string): boolean => f !== '' && Number.isFinite(Number(f));

/**
 * Reads a numeric table. Every data field must be a number (a ValueError names the line and column of the
 * first one that is not); all rows must have the same number of fields.
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): CsvTable {
  return parseCsv(readTextFile(path), options, path);
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
      if (!isNumber(fields[c])) throw new ValueError(`readCsv: ${source} line ${no}, column ${c + 1}: expected a number, got ${describe(fields[c])}`);
      values[r * width + c] = Number(fields[c]);
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
