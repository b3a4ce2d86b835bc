/**
 * CSV fields: the decimal-number rule, the header and column-type rules that readCsv and fromCsv share, and a
 * parser of decimal numbers straight from the bytes of a file (no string per field).
 */
import { ValueError, describe } from '../errors';

/** A decimal number literal: optional sign, digits with an optional fraction, optional exponent (no 0x/0b/0o, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** True when `f` is a decimal number literal. */
export const isNumber = (f: string): boolean => DECIMAL.test(f);

/** The type of a CSV column: 'number' (float32 values) or 'string' (categories). */
export type ColumnType = 'number' | 'string';

/**
 * Whether the first line is a header: every field of it is not a number, or one of its fields is not a number
 * where the second line has a number (with one line only: any field that is not a number).
 */
export function looksLikeHeader(first: string[], second: string[] | null): boolean {
  if (first.every((f) => !isNumber(f))) return true;
  if (second === null) return !first.every(isNumber);
  return first.some((f, i) => !isNumber(f) && i < second.length && isNumber(second[i]));
}

/**
 * Column types: given ones (by name or index) win; otherwise a column is 'string' when its field in the first data
 * row is not a number (a later field that is not a number in a 'number' column is an error with its line).
 */
export function columnTypes(names: string[], firstRow: string[], given: Record<string, ColumnType> | ColumnType[] | undefined, op: string): ColumnType[] {
  const types: ColumnType[] = names.map((_, i) => (isNumber(firstRow[i] ?? '0') ? 'number' : 'string'));
  if (given === undefined) return types;
  const set = (i: number, t: unknown, key: string) => {
    if (t !== 'number' && t !== 'string') throw new ValueError(`${op}: columnTypes[${key}] must be 'number' or 'string', got ${describe(t)}`);
    types[i] = t;
  };
  if (Array.isArray(given)) {
    if (given.length !== names.length) throw new ValueError(`${op}: columnTypes lists ${given.length} types but the file has ${names.length} columns`);
    given.forEach((t, i) => set(i, t, String(i)));
  } else if (given !== null && typeof given === 'object') {
    for (const [k, t] of Object.entries(given)) {
      const i = names.indexOf(k);
      if (i < 0) throw new ValueError(`${op}: columnTypes names column ${JSON.stringify(k)}, which is not in the header (${names.slice(0, 20).join(', ')})`);
      set(i, t, JSON.stringify(k));
    }
  } else {
    throw new ValueError(`${op}: columnTypes must be an object { column: 'number' | 'string' } or an array of types, got ${describe(given)}`);
  }
  return types;
}

/** The delimiter of 'auto' (',' then tab then runs of whitespace) or the one given; ' ' means runs of whitespace. */
export function chooseDelimiter(delimiter: unknown, firstLine: string, op: string): string {
  const d = delimiter ?? 'auto';
  if (typeof d !== 'string' || d === '') throw new ValueError(`${op}: delimiter must be a non-empty string or 'auto', got ${describe(delimiter)}`);
  if (d !== 'auto') return d;
  return firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : ' ';
}

/**
 * Splits a line into trimmed fields. Fields in double quotes may hold the delimiter; `""` inside them is a quote.
 */
export function splitLine(line: string, d: string): string[] {
  if (d === ' ') return line.trim().split(/\s+/);
  if (!line.includes('"')) return line.split(d).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field.trim() === '') { quoted = true; field = ''; } else if (line.startsWith(d, i)) { out.push(field.trim()); field = ''; i += d.length - 1; } else field += c;
  }
  out.push(quoted ? field : field.trim());
  return out;
}

/** The float32 value of a decimal field, or an error naming where it is and why it does not fit. */
export function fieldValue(f: string, where: string, op = 'readCsv'): number {
  if (!isNumber(f)) throw new ValueError(`${op}: ${where}: expected a decimal number, got ${describe(f)}`);
  const v = Math.fround(Number(f));
  if (!Number.isFinite(v)) throw new ValueError(`${op}: ${where}: ${f} overflows float32 (largest magnitude 3.4028235e38)`);
  return v;
}

/** Exact powers of ten as doubles, 1e0 to 1e22. */
export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Where the last {@link scanDecimal} stopped: the index of the stop byte, or `end`. */
export let scanStop = 0;

/**
 * The value of the decimal literal that starts at `b[start]` (spaces and tabs around it allowed) and ends at the
 * byte `stop` (a delimiter; -1 for none) or at `end`; {@link scanStop} is set to where it ended. NaN when the field
 * is not a decimal literal by {@link isNumber}'s rule (scanStop is then still the field's end). Up to 15
 * significant digits and a power of ten up to 1e22 it computes m * 10^e or m / 10^-e in float64: m and 10^|e| are
 * exact, so the one rounding gives the correctly rounded value, the same as Number(text); longer literals go
 * through Number(text).
 */
export function scanDecimal(b: Uint8Array, start: number, end: number, stop: number): number {
  let i = start;
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  const first = i;
  let negative = false;
  if (i < end && (b[i] === 45 || b[i] === 43)) { negative = b[i] === 45; i++; }
  let m = 0;
  let digits = 0;  // significant digits kept in m
  let mantissaDigits = 0;
  let scale = 0;  // power of ten of m's last digit
  let long = false;
  let c = b[i];
  while (i < end && c >= 48 && c <= 57) {
    if (digits < 15) { m = m * 10 + (c - 48); if (m > 0) digits++; } else { scale++; if (c !== 48) long = true; }
    mantissaDigits++; c = b[++i];
  }
  if (i < end && c === 46) {
    c = b[++i];
    while (i < end && c >= 48 && c <= 57) {
      if (digits < 15) { m = m * 10 + (c - 48); if (m > 0) digits++; scale--; } else if (c !== 48) long = true;
      mantissaDigits++; c = b[++i];
    }
  }
  let ok = mantissaDigits > 0;
  if (ok && i < end && (c === 101 || c === 69)) {
    c = b[++i];
    let eNeg = false;
    if (i < end && (c === 45 || c === 43)) { eNeg = c === 45; c = b[++i]; }
    let e = 0;
    const eStart = i;
    while (i < end && c >= 48 && c <= 57) { if (e < 100000) e = e * 10 + (c - 48); c = b[++i]; }
    if (i === eStart) ok = false;
    scale += eNeg ? -e : e;
  }
  const last = i;
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  if (i < end && b[i] !== stop) {
    ok = false;
    while (i < end && b[i] !== stop) i++;
  }
  scanStop = i;
  if (!ok) return NaN;
  if (long || scale > 22 || scale < -22) return Number(Buffer.from(b.buffer, b.byteOffset + first, last - first).toString('latin1'));
  const v = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
  return negative ? -v : v;
}

/** The value of the decimal literal filling `b[start, end)` (spaces around it allowed), or NaN; see {@link scanDecimal}. */
export function parseDecimalBytes(b: Uint8Array, start: number, end: number): number {
  return scanDecimal(b, start, end, -1);
}
