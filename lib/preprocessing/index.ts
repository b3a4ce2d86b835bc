/**
 * Encoders of categorical data (the `my.preprocessing` namespace): LabelEncoder and OneHotEncoder (sklearn's),
 * StringLookup and IntegerLookup (Keras's, with out-of-vocabulary buckets); each with fit / transform /
 * inverseTransform / toJSON, and `fromJSON` here to rebuild any of them.
 */
import { ValueError, describe } from '../errors';
import type { EncoderJSON } from './category-values';
import { LabelEncoder } from './label-encoder';
import { OneHotEncoder, type OneHotEncoderOptions, type CategoryRows } from './one-hot-encoder';
import { IntegerLookup, StringLookup, VocabularyLookup, type LookupOptions } from './vocabulary-lookup';

export { LabelEncoder, OneHotEncoder, StringLookup, IntegerLookup, VocabularyLookup };
export { Preprocessor, PREPROCESSING_FILE } from './preprocessor';
export type { PreprocessorJSON, PreprocessorColumn, RawRow } from './preprocessor';
export type { OneHotEncoderOptions, CategoryRows, LookupOptions, EncoderJSON };
export type { Category, CategoryColumn } from './category-values';

/** Any encoder of this namespace. */
export type Encoder = LabelEncoder | OneHotEncoder | StringLookup | IntegerLookup;

/**
 * Rebuilds an encoder from its `toJSON()` object (or that object's JSON string), fitted if it was.
 * @throws ValueError for an unknown className or a malformed object.
 */
export function fromJSON(json: EncoderJSON | string): Encoder {
  const obj: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  const className = obj !== null && typeof obj === 'object' ? (obj as { className?: unknown }).className : undefined;
  switch (className) {
    case 'LabelEncoder': return LabelEncoder.fromJSON(obj as EncoderJSON);
    case 'OneHotEncoder': return OneHotEncoder.fromJSON(obj as EncoderJSON);
    case 'StringLookup': return StringLookup.fromJSON(obj as EncoderJSON);
    case 'IntegerLookup': return IntegerLookup.fromJSON(obj as EncoderJSON);
    default: throw new ValueError(`preprocessing.fromJSON: className must be LabelEncoder, OneHotEncoder, StringLookup or IntegerLookup, got ${describe(className)}`);
  }
}
