/** OneHotEncoder: categorical columns (strings or numbers) to blocks of 0/1 indicator columns (sklearn's). */
import { tensor } from '../ops/creation';
import { ShapeError, ValueError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';
import { categoriesOf, categoryList, readEncoderJSON, sortedDistinct, type Category, type EncoderJSON } from './category-values';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of {@link OneHotEncoder}. */
export interface OneHotEncoderOptions {
  /** 'error' (default): a category not seen by `fit` is a ValueError; 'ignore': its block is all zeros. */
  handleUnknown?: 'error' | 'ignore';
}

/** Rows of categories: an array of rows (one value per column), or one column as a flat array. */
export type CategoryRows = readonly (readonly Category[])[] | readonly Category[];

function rowsOf(rows: unknown, what: string): Category[][] {
  if (!Array.isArray(rows)) throw new ValueError(`${what} must be an array of rows (or one column), got ${describe(rows)}`);
  if (rows.length > 0 && !Array.isArray(rows[0])) return categoriesOf(rows, what).map((v) => [v]);
  const width = rows.length > 0 ? (rows[0] as unknown[]).length : 0;
  return rows.map((r, i) => {
    if (!Array.isArray(r) || r.length !== width) throw new ShapeError(`${what} is ragged: row ${i} should hold ${width} values, got ${describe(r)}`);
    return categoriesOf(r, `${what}[${i}]`);
  });
}

/** The keys of OneHotEncoderOptions. */
const ONE_HOT_KEYS = optionKeys<OneHotEncoderOptions>({ handleUnknown: true });

/**
 * Encodes each categorical column j as k_j indicator columns, k_j being the number of categories `fit` found in
 * column j (sorted as sklearn: numbers ascending, then strings): `transform(rows)[i]` is the concatenation over j
 * of the one-hot vector of `rows[i][j]`.
 */
export class OneHotEncoder {
  readonly className = 'OneHotEncoder';
  readonly handleUnknown: 'error' | 'ignore';
  private cats: Category[][] | null = null;
  private index: Map<Category, number>[] = [];

  constructor(options: OneHotEncoderOptions = {}) {
    if (options === null || typeof options !== 'object') throw new ValueError(`OneHotEncoder: options must be an object, got ${describe(options)}`);
    checkOptions('OneHotEncoder', options, ONE_HOT_KEYS);
    const h = options.handleUnknown ?? 'error';
    if (h !== 'error' && h !== 'ignore') throw new ValueError(`OneHotEncoder: handleUnknown must be 'error' or 'ignore', got ${describe(h)}`);
    this.handleUnknown = h;
  }

  /** The categories of each column, in the order of their indicator columns. */
  get categories(): Category[][] {
    return this.fittedCats('categories').map((c) => c.slice());
  }

  /** True once fitted. */
  get fitted(): boolean {
    return this.cats !== null;
  }

  /** Number of output columns: the sum of every column's category count. */
  get outputWidth(): number {
    return this.fittedCats('outputWidth').reduce((a, c) => a + c.length, 0);
  }

  /** Learns the categories of each column. */
  fit(rows: CategoryRows): this {
    const rs = rowsOf(rows, 'OneHotEncoder.fit: rows');
    if (rs.length === 0 || rs[0].length === 0) throw new ValueError('OneHotEncoder.fit: rows must not be empty');
    this.setCategories(rs[0].map((_, j) => sortedDistinct(rs.map((r) => r[j]))));
    return this;
  }

  /** The indicator matrix [rows, outputWidth] of `rows`. @throws ValueError for an unseen category (handleUnknown 'error'). */
  transform(rows: CategoryRows): Tensor {
    const cats = this.fittedCats('transform');
    const rs = rowsOf(rows, 'OneHotEncoder.transform: rows');
    const width = this.outputWidth;
    const out = new Float32Array(rs.length * width);
    rs.forEach((r, i) => {
      if (r.length !== cats.length) throw new ShapeError(`OneHotEncoder.transform: rows[${i}] holds ${r.length} values, expected ${cats.length} columns as in fit`);
      let base = 0;
      r.forEach((v, j) => {
        const k = this.index[j].get(v);
        if (k !== undefined) out[i * width + base + k] = 1;
        else if (this.handleUnknown === 'error') throw new ValueError(`OneHotEncoder.transform: rows[${i}][${j}] = ${describe(v)} is a category not seen by fit (column ${j} knows ${cats[j].slice(0, 10).map((c) => describe(c)).join(', ')}); pass handleUnknown: 'ignore' to encode it as zeros`);
        base += cats[j].length;
      });
    });
    return tensor(out, [rs.length, width]);
  }

  /** `fit(rows)` then `transform(rows)`. */
  fitTransform(rows: CategoryRows): Tensor {
    return this.fit(rows).transform(rows);
  }

  /** The categories of each row of an indicator matrix (the largest entry of each block; null for an all-zero block). */
  inverseTransform(encoded: Tensor): (Category | null)[][] {
    const cats = this.fittedCats('inverseTransform');
    const width = this.outputWidth;
    if (!(encoded instanceof Tensor) || encoded.rank !== 2 || encoded.shape[1] !== width) {
      throw new ShapeError(`OneHotEncoder.inverseTransform: encoded must be a Tensor [n, ${width}], got ${encoded instanceof Tensor ? `shape [${encoded.shape.join(', ')}]` : describe(encoded)}`);
    }
    const d = encoded.dataSync();
    return Array.from({ length: encoded.shape[0] }, (_, i) => {
      let base = 0;
      return cats.map((c) => {
        let best = -1;
        for (let k = 0; k < c.length; k++) if (d[i * width + base + k] > 0 && (best < 0 || d[i * width + base + k] > d[i * width + base + best])) best = k;
        base += c.length;
        return best < 0 ? null : c[best];
      });
    });
  }

  /** Names of the output columns, `${inputName}_${category}` (inputs named x0, x1, ... by default, as sklearn). */
  featureNames(inputNames?: string[]): string[] {
    const cats = this.fittedCats('featureNames');
    return cats.flatMap((c, j) => c.map((v) => `${inputNames?.[j] ?? `x${j}`}_${v}`));
  }

  /** A plain object that `fromJSON` turns back into an equal encoder. */
  toJSON(): EncoderJSON {
    return { className: this.className, config: { handleUnknown: this.handleUnknown }, state: this.cats ? { categories: this.cats.map((c) => c.slice()) } : null };
  }

  /** Rebuilds an encoder from `toJSON()` output. */
  static fromJSON(json: EncoderJSON | string): OneHotEncoder {
    const { config, state } = readEncoderJSON(json, 'OneHotEncoder');
    const e = new OneHotEncoder(config as OneHotEncoderOptions);
    if (state !== null) {
      if (!Array.isArray(state.categories)) throw new ValueError(`OneHotEncoder.fromJSON: state.categories must be an array of category lists, got ${describe(state.categories)}`);
      e.setCategories(state.categories.map((c, j) => categoryList(c, `OneHotEncoder.fromJSON: state.categories[${j}]`)));
    }
    return e;
  }

  private setCategories(cats: Category[][]): void {
    this.cats = cats;
    this.index = cats.map((c) => new Map(c.map((v, k) => [v, k])));
  }

  private fittedCats(op: string): Category[][] {
    if (this.cats === null) throw new ValueError(`OneHotEncoder.${op}: the encoder is not fitted; call fit(rows) first`);
    return this.cats;
  }
}
