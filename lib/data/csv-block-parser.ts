/**
 * The parser of fromCsv: the rows of a block of lines written straight into float32 buffers (features row after
 * row, targets apart), read from the bytes without a string or an object per field or row. Errors name the file,
 * the line and the column.
 */
import { ValueError, describe } from '../errors';
import { POW10, fieldValue, scanDecimal, scanStop, splitLine } from './csv-fields';
import type { LineBlock } from './csv-lines';
import type { CsvSchema } from './csv-schema';

/**
 * Parses the data rows of `block` (the header and blank lines skipped) into `xs` (row i's features at
 * [i * features, (i + 1) * features), which must be zeros where one-hot columns go) and `ys` (row i's target; null
 * without a target); returns the number of rows. `xs` and `ys` hold at least `block.lines` rows.
 */
export type BlockParser = (block: LineBlock, xs: Float32Array, ys: Float32Array | null) => number;

/** The {@link BlockParser} of files of `schema`; errors name `path`. */
export function blockParser(schema: CsvSchema, path: string): BlockParser {
  const { plan, delimiter } = schema;
  const width = plan.length;
  const features = schema.featureNames.length;
  const numeric = Uint8Array.from(plan, (c) => (c.code === null ? 1 : 0));
  const offsets = Int32Array.from(plan, (c) => c.offset);
  const oneHot = Uint8Array.from(plan, (c) => (c.oneHot ? 1 : 0));
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

  return (block, xs, ys) => {
    const b = block.bytes;
    const firstQuote = b.indexOf(34);
    const quotes = firstQuote >= 0 && firstQuote < block.end;
    let rows = 0;
    let line = block.firstLine;
    /** Stores column c's value (a number, or a string column's code) in the current row. */
    const put = (c: number, value: number) => {
      if (oneHot[c] === 1) xs[rows * features + offsets[c] + value] = 1;
      else if (offsets[c] < 0) (ys as Float32Array)[rows] = value;
      else xs[rows * features + offsets[c]] = value;
    };
    let nl: number;
    for (let start = 0; start < block.end; start = nl + 1, line++) {
      nl = nextLine(b, start, block.end);
      const end = nl > start && b[nl - 1] === 13 ? nl - 1 : nl;
      if (line === schema.headerLine) continue;
      let blank = true;
      for (let i = start; i < end && blank; i++) if (b[i] !== 32 && b[i] !== 9) blank = false;
      if (blank) continue;
      let quoted = false;
      if (quotes) for (let i = start; i < end && !quoted; i++) quoted = b[i] === 34;
      let count = 0;
      if (fast && !quoted) {
        const base = rows * features;
        let i = start;
        for (;;) {
          if (numeric[count] === 1) {
            // the common literal (-?digits[.digits], at most 15 digits, no spaces) inline; the rest by scanDecimal
            let j = i;
            let c = b[j];
            const negative = c === 45;
            if (negative) c = b[++j];
            let m = 0;
            let digits = 0;
            let scale = 0;
            while (j < end && c >= 48 && c <= 57) { m = m * 10 + (c - 48); digits++; c = b[++j]; }
            if (j < end && c === 46) {
              c = b[++j];
              while (j < end && c >= 48 && c <= 57) { m = m * 10 + (c - 48); digits++; scale++; c = b[++j]; }
            }
            let v: number;
            if (digits > 0 && digits <= 15 && (j === end || c === d)) {
              v = Math.fround(scale === 0 ? m : m / POW10[scale]);
              if (negative) v = -v;
              i = j;
            } else {
              v = Math.fround(scanDecimal(b, i, end, d));
              if (v - v !== 0) numberError(b.toString('utf8', i, scanStop), line, count);  // NaN or an overflow
              i = scanStop;
            }
            const o = offsets[count];  // a numeric column is a feature (o >= 0) or the target
            if (o >= 0) xs[base + o] = v;
            else (ys as Float32Array)[rows] = v;
          } else {
            let e = i;
            while (e < end && b[e] !== d) e++;
            put(count, codeOf(count, b.toString('utf8', i, e).trim(), line));
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
        const fields = splitLine(b.toString('utf8', start, end), delimiter);
        count = fields.length;
        if (count === width) {
          for (let c = 0; c < width; c++) put(c, numeric[c] === 1 ? fieldValue(fields[c], `${path} line ${line}, column ${c + 1}`, 'fromCsv') : codeOf(c, fields[c], line));
        }
      }
      if (count !== width) throw fail(line, ` has ${count} fields, expected ${width}`);
      rows++;
    }
    return rows;
  };
}

/** The index of the line end (\n) of the line that starts at `start`, or `end`. */
function nextLine(b: Buffer, start: number, end: number): number {
  const nl = b.indexOf(10, start);
  return nl < 0 || nl >= end ? end : nl;
}
