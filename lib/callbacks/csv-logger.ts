/**
 * CSVLogger (Keras's `keras.callbacks.CSVLogger`): one row per epoch, the epoch (0-based) then every log key, written
 * to the file at the end of each epoch (so a crash loses at most the running epoch).
 */
import * as fs from 'fs';
import * as path from 'path';
import { IOError, ValueError, describe } from '../errors';
import { errorCode } from '../io/fs-errors';
import { checkOptions, optionKeys } from '../options/strict';
import { Callback, type Logs } from './callback';

/** Options of `csvLogger()`. */
export interface CSVLoggerOptions {
  /** The field separator: one character, not a quote, carriage return or newline. Default ','. */
  separator?: string;
  /**
   * Append to the file when it exists (continuing a training) instead of overwriting it. Default false. The rows
   * then follow the file's header when it has one (no second header is written).
   */
  append?: boolean;
}

const CSV_LOGGER_KEYS = optionKeys<CSVLoggerOptions>({ separator: true, append: true });

/** A number as Python's csv module writes a float ('nan', 'inf', '-inf' for the non-finite ones). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

/**
 * Writes `<path>` as a CSV file: a header `epoch<sep>key1<sep>key2...` (the log keys of the first epoch, sorted, as
 * Keras), then after each epoch one row: the epoch and each key's value, 'NA' for a key the epoch did not log.
 * A key that first appears in a later epoch (validation every n epochs) widens the header: the file is rewritten
 * with 'NA' in that column for the earlier rows. Fields holding the separator, a quote or a line break are quoted
 * (quotes doubled), as Python's csv module does; lines end in '\n' (Keras's files end them in '\r\n': Python's csv
 * module and pandas read both alike). Parent folders are created.
 */
export class CSVLogger extends Callback {
  readonly path: string;
  readonly separator: string;
  readonly append: boolean;
  /** The columns after 'epoch', fixed by the first row (or the appended file's header). */
  private columns: string[] | null = null;
  /** Whether this fit wrote the header (so the file may be rewritten when the columns widen). */
  private ownsHeader = false;
  /** The file's content before this fit (append mode), and this fit's rows, for a rewrite. */
  private before = '';
  private rows: Array<{ epoch: number; logs: Logs }> = [];

  constructor(file: string, options: CSVLoggerOptions = {}) {
    super();
    if (typeof file !== 'string' || file.length === 0) throw new ValueError(`csvLogger: path must be a non-empty string, got ${describe(file)}`);
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValueError(`csvLogger: options must be an object, got ${describe(options)}`);
    checkOptions('csvLogger', options, CSV_LOGGER_KEYS);
    const sep = options.separator ?? ',';
    if (typeof sep !== 'string' || sep.length !== 1 || sep === '"' || sep === '\n' || sep === '\r') {
      throw new ValueError(`csvLogger: separator must be one character other than a quote or a line break (',', ';', '\\t'...), got ${describe(options.separator)}`);
    }
    const append = options.append ?? false;
    if (typeof append !== 'boolean') throw new ValueError(`csvLogger: append must be a boolean, got ${describe(options.append)}`);
    this.path = file;
    this.separator = sep;
    this.append = append;
  }

  private field(text: string): string {
    return /["\r\n]/.test(text) || text.includes(this.separator) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  private line(fields: string[]): string {
    return `${fields.map((f) => this.field(f)).join(this.separator)}\n`;
  }

  private row(epoch: number, logs: Logs): string {
    const columns = this.columns as string[];
    return this.line([String(epoch), ...columns.map((k) => (typeof logs[k] === 'number' ? formatValue(logs[k]) : 'NA'))]);
  }

  private io<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (err) {
      const code = errorCode(err);
      if (code === null) throw err;
      throw new IOError(`csvLogger: cannot ${what} ${this.path}: ${code} (${(err as Error).message})`, code, this.path, String((err as { syscall?: unknown }).syscall ?? ''));
    }
  }

  override onTrainBegin(): void {
    this.columns = null;
    this.rows = [];
    this.ownsHeader = true;
    this.before = '';
    this.io('create', () => fs.mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true }));
    if (this.append && fs.existsSync(this.path)) {
      this.before = this.io('read', () => fs.readFileSync(this.path, 'utf8'));
      const header = this.before.split('\n', 1)[0].replace(/\r$/, '');
      if (header.length > 0) {
        this.columns = this.parseHeader(header);
        this.ownsHeader = false;
        if (!this.before.endsWith('\n')) this.before += '\n';
      } else {
        this.before = '';
      }
    }
    this.io('write', () => fs.writeFileSync(this.path, this.before));
  }

  /** The columns after 'epoch' of an existing header line written with this separator. */
  private parseHeader(header: string): string[] {
    const fields: string[] = [];
    let at = 0;
    while (at <= header.length) {
      let value = '';
      if (header[at] === '"') {
        let end = at + 1;
        for (;;) {
          const q = header.indexOf('"', end);
          if (q < 0) throw new ValueError(`csvLogger: the header of ${this.path} has an unclosed quote; append to a new file or set append: false`);
          value += header.slice(end, q);
          if (header[q + 1] === '"') { value += '"'; end = q + 2; continue; }
          at = q + 1;
          break;
        }
      } else {
        const next = header.indexOf(this.separator, at);
        const stop = next < 0 ? header.length : next;
        value = header.slice(at, stop);
        at = stop;
      }
      fields.push(value);
      if (header[at] !== this.separator) break;
      at++;
    }
    if (fields[0] !== 'epoch') {
      throw new ValueError(`csvLogger: ${this.path} has the header ${JSON.stringify(header)}, not one starting with 'epoch' and separated by ` +
        `${JSON.stringify(this.separator)}; append to a new file, give the file's separator, or set append: false`);
    }
    return fields.slice(1);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const keys = Object.keys(logs).filter((k) => typeof logs[k] === 'number').sort();
    this.rows.push({ epoch, logs: { ...logs } });
    if (this.columns === null) {
      this.columns = keys;
      this.io('write', () => fs.appendFileSync(this.path, this.line(['epoch', ...keys])));
    }
    const added = keys.filter((k) => !(this.columns as string[]).includes(k));
    if (added.length === 0) {
      this.io('write', () => fs.appendFileSync(this.path, this.row(epoch, logs)));
      return;
    }
    if (!this.ownsHeader) {
      throw new ValueError(`csvLogger: epoch ${epoch} logs ${added.join(', ')}, which the header of ${this.path} has no column for ` +
        `(columns: epoch, ${(this.columns as string[]).join(', ')}); append to a new file or set append: false`);
    }
    this.columns = [...this.columns, ...added].sort();
    const text = this.before + this.line(['epoch', ...this.columns]) + this.rows.map((r) => this.row(r.epoch, r.logs)).join('');
    const tmp = `${this.path}.tmp-${process.pid}`;
    this.io('write', () => { fs.writeFileSync(tmp, text); fs.renameSync(tmp, this.path); });
  }

  override onTrainEnd(): void {
    this.rows = [];
    this.before = '';
  }
}

/**
 * A `CSVLogger`: `fit(x, y, { callbacks: [my.callbacks.csvLogger('run/log.csv')] })`. Defaults: separator ',',
 * append false.
 */
export function csvLogger(file: string, options: CSVLoggerOptions = {}): CSVLogger {
  return new CSVLogger(file, options);
}
