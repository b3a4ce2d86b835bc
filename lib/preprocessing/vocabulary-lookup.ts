/**
 * StringLookup and IntegerLookup (Keras's preprocessing layers): a vocabulary of categories mapped to indices,
 * with out-of-vocabulary (OOV) buckets first: indices 0..numOovIndices-1 are the OOV buckets, the vocabulary
 * follows from index numOovIndices on.
 */
import { tensor } from '../ops/creation';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { categoriesOf, categoryList, indicesOf, readEncoderJSON, type Category, type CategoryColumn, type EncoderJSON } from './category-values';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of {@link StringLookup} and {@link IntegerLookup}. */
export interface LookupOptions<K extends Category> {
  /** A fixed vocabulary (distinct values); without one, `fit` learns it. */
  vocabulary?: K[];
  /**
   * Number of OOV buckets (default 1). A value outside the vocabulary maps to bucket `hash(value) % numOovIndices`
   * (FNV-1a of its text; bucket 0 when there is one). 0: such a value is a ValueError.
   */
  numOovIndices?: number;
  /** Most vocabulary entries `fit` keeps, the most frequent (default: all). */
  maxTokens?: number;
  /** 'int' (default): `transform` gives indices; 'oneHot': a [n, vocabularySize] float32 Tensor. */
  outputMode?: 'int' | 'oneHot';
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The keys of LookupOptions. */
const LOOKUP_KEYS = optionKeys<LookupOptions<string>>({ vocabulary: true, numOovIndices: true, maxTokens: true, outputMode: true });

/** The shared machinery of {@link StringLookup} and {@link IntegerLookup}. */
export abstract class VocabularyLookup<K extends Category> {
  /** 'StringLookup' or 'IntegerLookup'. */
  abstract get className(): 'StringLookup' | 'IntegerLookup';
  /** What the OOV buckets map back to in `inverseTransform`. */
  protected abstract get oovToken(): K;
  /** @internal The type of the values. */
  abstract get kind(): 'string' | 'number';
  readonly numOovIndices: number;
  readonly maxTokens: number | null;
  readonly outputMode: 'int' | 'oneHot';
  private vocab: K[] | null = null;
  private index = new Map<Category, number>();

  constructor(options: LookupOptions<K> = {}) {
    const name = new.target.name;
    if (options === null || typeof options !== 'object') throw new ValueError(`${name}: options must be an object, got ${describe(options)}`);
    checkOptions(name, options, LOOKUP_KEYS);
    const oov = options.numOovIndices ?? 1;
    if (typeof oov !== 'number' || !Number.isInteger(oov) || oov < 0) throw new ValueError(`${name}: numOovIndices must be an integer >= 0, got ${describe(oov)}`);
    this.numOovIndices = oov;
    const max = options.maxTokens ?? null;
    if (max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) throw new ValueError(`${name}: maxTokens must be an integer >= 1, got ${describe(max)}`);
    this.maxTokens = max;
    const mode = options.outputMode ?? 'int';
    if (mode !== 'int' && mode !== 'oneHot') throw new ValueError(`${name}: outputMode must be 'int' or 'oneHot', got ${describe(mode)}`);
    this.outputMode = mode;
    if (options.vocabulary !== undefined) this.setVocabulary(categoryList(options.vocabulary, `${name}: vocabulary`) as K[]);
  }

  /** True once a vocabulary is set (by the options, `fit` or `fromJSON`). */
  get fitted(): boolean {
    return this.vocab !== null;
  }

  /** The vocabulary in index order (without the OOV buckets). */
  getVocabulary(): K[] {
    return this.fittedVocab('getVocabulary').slice();
  }

  /** numOovIndices + the vocabulary's length: the number of indices (and of one-hot columns). */
  vocabularySize(): number {
    return this.numOovIndices + this.fittedVocab('vocabularySize').length;
  }

  /** Learns the vocabulary: distinct values by falling frequency (ties: first seen first), at most maxTokens. */
  fit(values: CategoryColumn): this {
    const vs = categoriesOf(values, `${this.className}.fit: values`, this.kind) as K[];
    if (vs.length === 0) throw new ValueError(`${this.className}.fit: values must not be empty`);
    const counts = new Map<K, number>();
    for (const v of vs) counts.set(v, (counts.get(v) ?? 0) + 1);
    let vocab = Array.from(counts.keys()).filter((v) => v !== this.oovToken);
    vocab.sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number));  // stable: ties keep first-seen order
    if (this.maxTokens !== null) vocab = vocab.slice(0, Math.max(0, this.maxTokens - this.numOovIndices));
    this.setVocabulary(vocab);
    return this;
  }

  /** Keras's name of `fit`. */
  adapt(values: CategoryColumn): this {
    return this.fit(values);
  }

  /** The index of one value: its vocabulary index, or its OOV bucket; -1 when there are no buckets. */
  indexOf(value: K): number {
    const k = this.index.get(value);
    if (k !== undefined) return k;
    if (this.numOovIndices === 0) return -1;
    return this.numOovIndices === 1 ? 0 : fnv1a(String(value)) % this.numOovIndices;
  }

  /**
   * The index of each value ('int'), or their one-hot rows as a [n, vocabularySize()] Tensor ('oneHot').
   * @throws ValueError for a value outside the vocabulary when numOovIndices is 0.
   */
  transform(values: CategoryColumn): number[] | Tensor {
    const vocab = this.fittedVocab('transform');
    const vs = categoriesOf(values, `${this.className}.transform: values`, this.kind) as K[];
    const idx = vs.map((v, i) => {
      const k = this.indexOf(v);
      if (k < 0) throw new ValueError(`${this.className}.transform: values[${i}] = ${describe(v)} is not in the vocabulary (${vocab.length} entries) and numOovIndices is 0`);
      return k;
    });
    if (this.outputMode === 'int') return idx;
    const width = this.numOovIndices + vocab.length;
    const out = new Float32Array(idx.length * width);
    idx.forEach((k, i) => { out[i * width + k] = 1; });
    return tensor(out, [idx.length, width]);
  }

  /** `fit(values)` then `transform(values)`. */
  fitTransform(values: CategoryColumn): number[] | Tensor {
    return this.fit(values).transform(values);
  }

  /**
   * The value of each index ('int' output), or of the hot column of each row of a one-hot matrix; OOV buckets
   * give the OOV token ('[UNK]' for strings, -1 for integers).
   */
  inverseTransform(indices: unknown): K[] {
    const vocab = this.fittedVocab('inverseTransform');
    const size = this.numOovIndices + vocab.length;
    let idx: number[];
    if (indices !== null && typeof indices === 'object' && 'rank' in (indices as Tensor) && (indices as Tensor).rank === 2) {
      const t = indices as Tensor;
      if (t.shape[1] !== size) throw new ValueError(`${this.className}.inverseTransform: one-hot rows must have ${size} columns, got [${t.shape.join(', ')}]`);
      const d = t.dataSync();
      idx = Array.from({ length: t.shape[0] }, (_, r) => {
        let best = 0;
        for (let c = 1; c < size; c++) if (d[r * size + c] > d[r * size + best]) best = c;
        return best;
      });
    } else {
      idx = indicesOf(indices, size, `${this.className}.inverseTransform: indices`);
    }
    return idx.map((k) => (k < this.numOovIndices ? this.oovToken : vocab[k - this.numOovIndices]));
  }

  /** A plain object that `fromJSON` turns back into an equal lookup. */
  toJSON(): EncoderJSON {
    return {
      className: this.className,
      config: { numOovIndices: this.numOovIndices, maxTokens: this.maxTokens, outputMode: this.outputMode },
      state: this.vocab ? { vocabulary: this.vocab.slice() } : null,
    };
  }

  /** @internal Restores `toJSON()` output into a lookup made by `make` from the config. */
  static restore<L extends VocabularyLookup<Category>>(json: unknown, className: string, make: (config: Record<string, unknown>) => L): L {
    const { config, state } = readEncoderJSON(json, className);
    const l = make({ numOovIndices: config.numOovIndices, maxTokens: config.maxTokens ?? undefined, outputMode: config.outputMode });
    if (state !== null) l.setVocabulary(categoriesOf(state.vocabulary, `${className}.fromJSON: state.vocabulary`, l.kind));
    return l;
  }

  private setVocabulary(vocab: Category[]): void {
    if (vocab.some((v) => typeof v !== this.kind)) throw new ValueError(`${this.className}: the vocabulary must hold ${this.kind}s, got ${describe(vocab.find((v) => typeof v !== this.kind))}`);
    this.vocab = vocab as K[];
    this.index = new Map(vocab.map((v, i) => [v, i + this.numOovIndices]));
  }

  private fittedVocab(op: string): K[] {
    if (this.vocab === null) throw new ValueError(`${this.className}.${op}: no vocabulary; pass options.vocabulary or call fit(values) first`);
    return this.vocab;
  }
}

/** A {@link VocabularyLookup} of strings; the OOV token is '[UNK]' (Keras's default). */
export class StringLookup extends VocabularyLookup<string> {
  /** 'StringLookup'. */
  get className(): 'StringLookup' { return 'StringLookup'; }
  protected get oovToken(): string { return '[UNK]'; }
  /** @internal */
  get kind(): 'string' { return 'string'; }

  /** Rebuilds a lookup from `toJSON()` output. */
  static fromJSON(json: EncoderJSON | string): StringLookup {
    return VocabularyLookup.restore(json, 'StringLookup', (c) => new StringLookup(c as LookupOptions<string>)) as StringLookup;
  }
}

/** A {@link VocabularyLookup} of integers (e.g. category codes); the OOV token is -1 (Keras's default). */
export class IntegerLookup extends VocabularyLookup<number> {
  /** 'IntegerLookup'. */
  get className(): 'IntegerLookup' { return 'IntegerLookup'; }
  protected get oovToken(): number { return -1; }
  /** @internal */
  get kind(): 'number' { return 'number'; }

  /** Rebuilds a lookup from `toJSON()` output. */
  static fromJSON(json: EncoderJSON | string): IntegerLookup {
    return VocabularyLookup.restore(json, 'IntegerLookup', (c) => new IntegerLookup(c as LookupOptions<number>)) as IntegerLookup;
  }

  /** Checks integer values on top of the shared checks. */
  override fit(values: CategoryColumn): this {
    checkIntegers(values, 'IntegerLookup.fit: values');
    return super.fit(values);
  }
}

function checkIntegers(values: CategoryColumn, what: string): void {
  const vs = categoriesOf(values, what, 'number');
  const bad = vs.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new ValueError(`${what}[${bad}] must be an integer, got ${describe(vs[bad])}`);
}
