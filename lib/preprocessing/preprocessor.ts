/**
 * Preprocessor: the way from raw rows (numbers and category strings, as in the CSV a model was trained on) to the
 * model's input, and from its output back to labels; saved beside a model as preprocessing.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor } from '../ops/creation';
import { ShapeError, ValueError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';
import { fromJSON as scalerFromJSON, type FeatureScaler, type ScalerJSON } from '../scalers/index';
import type { CsvTable } from '../data/csv';
import { LabelEncoder } from './label-encoder';
import { OneHotEncoder } from './one-hot-encoder';
import type { Category, EncoderJSON } from './category-values';

/** One input column: numeric, or categorical with the OneHotEncoder that expands it. */
export interface PreprocessorColumn {
  name: string;
  encoder: OneHotEncoder | null;
}

/** The JSON form of a {@link Preprocessor}. */
export interface PreprocessorJSON {
  className: 'Preprocessor';
  columns: { name: string; encoder: EncoderJSON | null }[];
  scaler: ScalerJSON | null;
  target: { name: string; encoder: EncoderJSON | null } | null;
}

/** A raw row: values in the order of `columns`, or an object keyed by column name. */
export type RawRow = readonly (Category | null)[] | Record<string, Category>;

/** File name of a saved preprocessor inside a model folder. */
export const PREPROCESSING_FILE = 'preprocessing.json';

/**
 * Maps raw rows to model inputs: each numeric column gives its value, each categorical column its one-hot block
 * (OneHotEncoder), then the scaler (if any) standardizes the result. `decode` maps class outputs back to labels.
 * Build one from a `readCsv` table (`Preprocessor.fromTable(table, scaler)`), save it beside a model
 * (`save(folder)`), and after `loadModel(folder)` call `model.predict(pre.transform(rows))`.
 */
export class Preprocessor {
  constructor(readonly columns: PreprocessorColumn[], readonly scaler: FeatureScaler | null = null,
    readonly target: { name: string; encoder: LabelEncoder | null } | null = null) {
    if (!Array.isArray(columns) || columns.length === 0) throw new ValueError(`Preprocessor: columns must be a non-empty array, got ${describe(columns)}`);
  }

  /** The preprocessor of a `readCsv` table: its columns and encoders in file order, the target's LabelEncoder. */
  static fromTable(table: CsvTable, scaler: FeatureScaler | null = null): Preprocessor {
    const columns = Object.keys(table.columnTypes).filter((n) => n !== table.targetName).map((name) => {
      const e = table.encoders[name];
      return { name, encoder: e instanceof OneHotEncoder ? e : null };
    });
    const te = table.targetName === null ? undefined : table.encoders[table.targetName];
    const target = table.targetName === null ? null : { name: table.targetName, encoder: te instanceof LabelEncoder ? te : null };
    return new Preprocessor(columns, scaler, target);
  }

  /** Number of model inputs: numeric columns count 1, categorical ones their category count. */
  get width(): number {
    return this.columns.reduce((a, c) => a + (c.encoder ? c.encoder.outputWidth : 1), 0);
  }

  /**
   * The model input [rows, width] of raw rows. Numbers may come as numbers or decimal strings.
   * @throws ValueError naming the row and column of a missing or bad value, or an unknown category.
   */
  transform(rows: readonly RawRow[]): Tensor {
    if (!Array.isArray(rows) || rows.length === 0) throw new ValueError(`Preprocessor.transform: rows must be a non-empty array of rows, got ${describe(rows)}`);
    const width = this.width;
    const out = new Float32Array(rows.length * width);
    rows.forEach((row, i) => {
      const values = Array.isArray(row) ? row : this.columns.map((c) => (row as Record<string, Category>)[c.name]);
      if (values.length !== this.columns.length) throw new ShapeError(`Preprocessor.transform: rows[${i}] holds ${values.length} values, expected ${this.columns.length} (${this.columns.map((c) => c.name).join(', ')})`);
      let at = i * width;
      this.columns.forEach((c, j) => {
        const v = values[j];
        const where = `Preprocessor.transform: rows[${i}] column ${JSON.stringify(c.name)}`;
        if (c.encoder) {
          if (typeof v !== 'string' && typeof v !== 'number') throw new ValueError(`${where} must be a category, got ${describe(v)}`);
          out.set((c.encoder.transform([v]) as Tensor).dataSync(), at);
          at += c.encoder.outputWidth;
        } else {
          const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
          if (typeof n !== 'number' || !Number.isFinite(n)) throw new ValueError(`${where} must be a finite number, got ${describe(v)}`);
          out[at++] = n;
        }
      });
    });
    const x = tensor(out, [rows.length, width]);
    if (!this.scaler) return x;
    const scaled = this.scaler.transform(x);
    x.dispose();
    return scaled;
  }

  /** The label of each row of class scores (argmax; a [n, 1] or [n] output is thresholded at 0.5). */
  decode(output: Tensor): Category[] {
    if (!(output instanceof Tensor)) throw new ValueError(`Preprocessor.decode: output must be a Tensor, got ${describe(output)}`);
    const d = output.dataSync();
    const n = output.shape[0];
    const k = output.size / n;
    const idx = Array.from({ length: n }, (_, i) => {
      if (k === 1) return d[i] >= 0.5 ? 1 : 0;
      let best = 0;
      for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + best]) best = j;
      return best;
    });
    const enc = this.target?.encoder;
    return enc ? enc.inverseTransform(idx) : idx;
  }

  /** A plain object that {@link Preprocessor.fromJSON} turns back into an equal preprocessor. */
  toJSON(): PreprocessorJSON {
    return {
      className: 'Preprocessor',
      columns: this.columns.map((c) => ({ name: c.name, encoder: c.encoder ? c.encoder.toJSON() : null })),
      scaler: this.scaler ? this.scaler.toJSON() : null,
      target: this.target ? { name: this.target.name, encoder: this.target.encoder ? this.target.encoder.toJSON() : null } : null,
    };
  }

  /** Rebuilds a preprocessor from `toJSON()` output (or its string). @throws ValueError on a malformed object. */
  static fromJSON(json: PreprocessorJSON | string): Preprocessor {
    const o: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    if (o === null || typeof o !== 'object' || (o as PreprocessorJSON).className !== 'Preprocessor' || !Array.isArray((o as PreprocessorJSON).columns)) {
      throw new ValueError(`Preprocessor.fromJSON: expected { className: 'Preprocessor', columns, scaler, target }, got ${describe(o)}`);
    }
    const p = o as PreprocessorJSON;
    const columns = p.columns.map((c, i) => {
      if (c === null || typeof c !== 'object' || typeof c.name !== 'string') throw new ValueError(`Preprocessor.fromJSON: columns[${i}] must be { name, encoder }, got ${describe(c)}`);
      return { name: c.name, encoder: c.encoder ? OneHotEncoder.fromJSON(c.encoder) : null };
    });
    const target = p.target ? { name: String(p.target.name), encoder: p.target.encoder ? LabelEncoder.fromJSON(p.target.encoder) : null } : null;
    return new Preprocessor(columns, p.scaler ? scalerFromJSON(p.scaler) : null, target);
  }

  /** Writes preprocessing.json into `folder` (e.g. a saved model's folder), through a temporary file and a rename. */
  save(folder: string): string {
    const file = path.join(folder, PREPROCESSING_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.toJSON()));
    fs.renameSync(`${file}.tmp`, file);
    return file;
  }

  /** Reads preprocessing.json from `folder`. @throws ValueError when it is missing or malformed. */
  static load(folder: string): Preprocessor {
    const file = path.join(folder, PREPROCESSING_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ValueError(`Preprocessor.load: cannot read ${file}: ${(err as Error).message}`);
    }
    return Preprocessor.fromJSON(text);
  }
}
