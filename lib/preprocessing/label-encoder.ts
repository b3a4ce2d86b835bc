/** LabelEncoder: class labels (strings or numbers) to the class indices 0..k-1 and back (sklearn's). */
import { ValueError, describe } from '../errors';
import { categoriesOf, categoryList, indicesOf, readEncoderJSON, sortedDistinct, type Category, type CategoryColumn, type EncoderJSON } from './category-values';

/**
 * Encodes target labels as class indices: `fit` learns the sorted distinct labels (`classes`, as sklearn's
 * `LabelEncoder`: numbers ascending, then strings in code-point order), `transform` maps label `classes[i]` to i,
 * `inverseTransform` maps indices back. A label never seen by `fit` is a ValueError (never a silent class).
 */
export class LabelEncoder {
  readonly className = 'LabelEncoder';
  private _classes: Category[] | null = null;
  private index = new Map<Category, number>();

  /** The classes in index order; throws ValueError before `fit`. */
  get classes(): Category[] {
    return this.fittedClasses('classes').slice();
  }

  /** True once fitted. */
  get fitted(): boolean {
    return this._classes !== null;
  }

  /** Learns the classes of `labels` (at least one label). */
  fit(labels: CategoryColumn): this {
    const values = categoriesOf(labels, 'LabelEncoder.fit: labels');
    if (values.length === 0) throw new ValueError('LabelEncoder.fit: labels must not be empty');
    this.setClasses(sortedDistinct(values));
    return this;
  }

  /** The class index of each label. @throws ValueError naming the first label not seen by `fit`. */
  transform(labels: CategoryColumn): number[] {
    const classes = this.fittedClasses('transform');
    return categoriesOf(labels, 'LabelEncoder.transform: labels').map((v, i) => {
      const k = this.index.get(v);
      if (k === undefined) throw new ValueError(`LabelEncoder.transform: labels[${i}] = ${describe(v)} was not seen by fit; known classes: ${classes.slice(0, 20).map((c) => describe(c)).join(', ')}`);
      return k;
    });
  }

  /** `fit(labels)` then `transform(labels)`. */
  fitTransform(labels: CategoryColumn): number[] {
    return this.fit(labels).transform(labels);
  }

  /** The label of each class index (integers in [0, classes.length)). */
  inverseTransform(indices: ArrayLike<number> | unknown): Category[] {
    const classes = this.fittedClasses('inverseTransform');
    return indicesOf(indices, classes.length, 'LabelEncoder.inverseTransform: indices').map((i) => classes[i]);
  }

  /** A plain object that {@link LabelEncoder.fromJSON} (or `my.preprocessing.fromJSON`) turns back into an equal encoder. */
  toJSON(): EncoderJSON {
    return { className: this.className, config: {}, state: this._classes ? { classes: this._classes.slice() } : null };
  }

  /** Rebuilds an encoder from `toJSON()` output. @throws ValueError on a malformed object. */
  static fromJSON(json: EncoderJSON | string): LabelEncoder {
    const { state } = readEncoderJSON(json, 'LabelEncoder');
    const e = new LabelEncoder();
    if (state !== null) e.setClasses(categoryList(state.classes, 'LabelEncoder.fromJSON: state.classes'));
    return e;
  }

  private setClasses(classes: Category[]): void {
    this._classes = classes;
    this.index = new Map(classes.map((c, i) => [c, i]));
  }

  private fittedClasses(op: string): Category[] {
    if (this._classes === null) throw new ValueError(`LabelEncoder.${op}: the encoder is not fitted; call fit(labels) first`);
    return this._classes;
  }
}
