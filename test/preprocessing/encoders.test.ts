/**
 * my.preprocessing: LabelEncoder and OneHotEncoder against NumPy (np.unique is what sklearn's encoders compute),
 * StringLookup / IntegerLookup against Keras's documented layout (OOV indices first), JSON round trips, bad input.
 */
import { execFileSync } from 'child_process';
import * as my from '../../lib/index';
import { ValueError } from '../../lib/errors';
import type { Tensor } from '../../lib/tensor/tensor';

const { LabelEncoder, OneHotEncoder, StringLookup, IntegerLookup, fromJSON } = my.preprocessing;

const colors = ['red', 'green', 'blue', 'green', 'Zebra', 'éclair', 'red', 'b', 'green'];
const sizes = ['S', 'M', 'L', 'M', 'S', 'S', 'XL', 'M', 'L'];

/** np.unique(values, return_inverse=True) computed by NumPy. */
function numpyUnique(values: string[]): { classes: string[]; inverse: number[] } {
  const code = 'import json,sys,numpy as np\nv=json.load(sys.stdin)\nc,i=np.unique(np.array(v),return_inverse=True)\nprint(json.dumps({"classes":c.tolist(),"inverse":i.tolist()}))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify(values) }).toString());
}

describe('LabelEncoder', () => {
  test('classes and indices equal NumPy np.unique(return_inverse) (sklearn LabelEncoder)', () => {
    const np = numpyUnique(colors);
    const e = new LabelEncoder();
    expect(e.fitTransform(colors)).toEqual(np.inverse);
    expect(e.classes).toEqual(np.classes);
    expect(e.inverseTransform(np.inverse)).toEqual(colors);
  });

  test('numbers sort ascending; JSON round trip; unseen labels and bad indices are ValueErrors', () => {
    const e = new LabelEncoder().fit([10, 2, 33, 2]);
    expect(e.classes).toEqual([2, 10, 33]);
    expect(e.transform(my.tensor([33, 2]))).toEqual([2, 0]);
    const back = fromJSON(JSON.stringify(e.toJSON())) as InstanceType<typeof LabelEncoder>;
    expect(back.transform([10])).toEqual([1]);
    expect(() => e.transform([5])).toThrow(/labels\[0\] = 5 was not seen by fit; known classes: 2, 10, 33/);
    expect(() => e.inverseTransform([3])).toThrow(ValueError);
    expect(() => new LabelEncoder().transform(['a'])).toThrow(/not fitted/);
    expect(() => new LabelEncoder().fit([])).toThrow(/must not be empty/);
    expect(() => new LabelEncoder().fit([NaN])).toThrow(ValueError);
    expect(() => LabelEncoder.fromJSON({ className: 'LabelEncoder', config: {}, state: { classes: ['a', 'a'] } })).toThrow(/twice/);
  });
});

describe('OneHotEncoder', () => {
  test('two columns: the indicator blocks of np.unique of each column', () => {
    const rows = colors.map((c, i) => [c, sizes[i]]);
    const e = new OneHotEncoder();
    const out = e.fitTransform(rows) as Tensor;
    const a = numpyUnique(colors);
    const b = numpyUnique(sizes);
    expect(e.categories).toEqual([a.classes, b.classes]);
    const k = a.classes.length + b.classes.length;
    expect(out.shape).toEqual([rows.length, k]);
    const expected = rows.map((_, i) => Array.from({ length: k }, (_, j) => (j === a.inverse[i] || j === a.classes.length + b.inverse[i] ? 1 : 0)));
    expect(out.arraySync()).toEqual(expected);
    expect(e.inverseTransform(out)).toEqual(rows);
    expect(e.featureNames(['color', 'size']).slice(0, 2)).toEqual([`color_${a.classes[0]}`, `color_${a.classes[1]}`]);
    const back = OneHotEncoder.fromJSON(e.toJSON());
    expect((back.transform(rows) as Tensor).arraySync()).toEqual(expected);
  });

  test('an unseen category: ValueError by default, zeros with handleUnknown ignore', () => {
    const strict = new OneHotEncoder().fit(['a', 'b']);
    expect(() => strict.transform(['c'])).toThrow(/rows\[0\]\[0\] = "c" is a category not seen by fit/);
    const lax = new OneHotEncoder({ handleUnknown: 'ignore' }).fit(['a', 'b']);
    expect(lax.transform(['c', 'b']).arraySync()).toEqual([[0, 0], [0, 1]]);
    expect(lax.inverseTransform(lax.transform(['c']))).toEqual([[null]]);
    expect(() => new OneHotEncoder({ handleUnknown: 'skip' as never })).toThrow(ValueError);
    expect(() => strict.transform([['a', 'b']])).toThrow(/expected 1 columns/);
  });
});

describe('StringLookup and IntegerLookup (Keras layout: OOV indices first)', () => {
  test('fit orders the vocabulary by frequency; index 0 is the OOV bucket; one-hot and inverse', () => {
    const l = new StringLookup();
    l.fit(colors);
    expect(l.getVocabulary()).toEqual(['green', 'red', 'blue', 'Zebra', 'éclair', 'b']);
    expect(l.transform(['green', 'red', 'purple'])).toEqual([1, 2, 0]);
    expect(l.inverseTransform([1, 0])).toEqual(['green', '[UNK]']);
    const oh = new StringLookup({ vocabulary: ['a', 'b'], outputMode: 'oneHot' });
    expect((oh.transform(['b', 'x']) as Tensor).arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(oh.inverseTransform(oh.transform(['b']))).toEqual(['b']);
    const back = StringLookup.fromJSON(JSON.stringify(l.toJSON()));
    expect(back.transform(['green', 'purple'])).toEqual([1, 0]);
  });

  test('numOovIndices 0: an unseen value is a ValueError; several buckets hash; maxTokens keeps the most frequent', () => {
    const strict = new StringLookup({ vocabulary: ['a'], numOovIndices: 0 });
    expect(strict.transform(['a'])).toEqual([0]);
    expect(() => strict.transform(['b'])).toThrow(/"b" is not in the vocabulary/);
    const hashed = new StringLookup({ vocabulary: ['a'], numOovIndices: 3 });
    const idx = hashed.transform(['x', 'y', 'z', 'x']) as number[];
    expect(idx[0]).toBe(idx[3]);
    idx.forEach((i) => expect(i).toBeLessThan(3));
    expect(new StringLookup({ maxTokens: 3 }).fit(colors).getVocabulary()).toEqual(['green', 'red']);
  });

  test('IntegerLookup maps codes, OOV token -1; rejects non-integers', () => {
    const l = new IntegerLookup().fit([7, 7, 3, 12]);
    expect(l.getVocabulary()).toEqual([7, 3, 12]);
    expect(l.transform([12, 99])).toEqual([3, 0]);
    expect(l.inverseTransform([0, 1])).toEqual([-1, 7]);
    expect(IntegerLookup.fromJSON(l.toJSON()).transform([3])).toEqual([2]);
    expect(() => new IntegerLookup().fit([1.5])).toThrow(/must be an integer/);
    expect(() => new StringLookup().fit([1 as never])).toThrow(ValueError);
    expect(() => fromJSON({ className: 'Nope', config: {}, state: null })).toThrow(/className/);
  });
});

describe('Preprocessor (raw rows to model inputs and outputs to labels)', () => {
  test('rows of a readCsv table give the table\'s scaled x; JSON round trip; decode gives labels', () => {
    const text = 'w,color,h,label\n1.5,red,3,yes\n2,blue,4,no\n3,red,8,yes\n0.5,green,1,no\n';
    const table = my.data.parseCsv(text, { target: 'label' });
    const scaler = new my.scalers.StandardScaler().fit(table.x);
    const pre = my.preprocessing.Preprocessor.fromTable(table, scaler);
    expect(pre.width).toBe(5);
    const raw = text.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 3));
    const expected = scaler.transform(table.x).arraySync();
    const back = my.preprocessing.Preprocessor.fromJSON(JSON.stringify(pre.toJSON()));
    for (const p of [pre, back]) {
      const got = p.transform(raw).arraySync() as number[][];
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo((expected as number[][])[i][j], 6)));
    }
    expect(pre.transform([{ w: 2, color: 'blue', h: 4 }]).arraySync()).toEqual([(expected as number[][])[1]]);
    expect(pre.decode(my.tensor([[0.9, 0.1], [0.2, 0.8]]))).toEqual(['no', 'yes']);
    expect(() => pre.transform([['1', 'purple', '2']])).toThrow(/"purple" is a category not seen by fit/);
    expect(() => my.preprocessing.Preprocessor.fromJSON({ className: 'x' } as never)).toThrow(ValueError);
  });
});
