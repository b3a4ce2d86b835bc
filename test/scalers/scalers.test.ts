/** Scalers against sklearn 1.2.1 figures (StandardScaler / MinMaxScaler on the same inputs). */
import * as my from '../../lib/index';
import { MinMaxScaler, StandardScaler, fromJSON, standardScaler } from '../../lib/scalers/index';
import { loadDataset } from '../../lib/data/index';
import { ShapeError, ValueError } from '../../lib/errors';

// The third feature is constant: sklearn gives it scale 1 (no division by zero).
const X = [[1, -2, 5], [3, 0, 5], [4, 8, 5], [0.5, 2, 5]];

function close(actual: my.NestedArray, expected: number[][], tol = 1e-6): void {
  const a = actual as number[][];
  expect(a.length).toBe(expected.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i][j])))));
}

describe('StandardScaler', () => {
  test('matches sklearn 1.2.1 on a matrix with a constant feature', () => {
    const s = new StandardScaler();
    const z = s.fitTransform(X);
    expect(s.mean).toEqual([2.125, 2, 5]);
    expect(s.scale![0]).toBeCloseTo(1.4306903927824497, 12);
    expect(s.scale![1]).toBeCloseTo(3.7416573867739413, 12);
    expect(s.scale![2]).toBe(1);
    close(z.arraySync(), [[-0.7863337, -1.069045, 0], [0.6115928, -0.5345225, 0], [1.3105561, 1.6035675, 0], [-1.1358153, 0, 0]]);
  });

  test('iris statistics match sklearn 1.2.1', () => {
    const { x } = loadDataset('iris');
    const s = standardScaler().fit(x);
    const mean = [5.843333333333335, 3.057333333333334, 3.7580000000000027, 1.199333333333334];
    const scale = [0.8253012917851409, 0.43441096773549437, 1.7594040657753032, 0.7596926279021594];
    // inputs are float32, so the statistics agree to float32 precision
    s.mean!.forEach((m, j) => expect(Math.abs(m - mean[j]) / mean[j]).toBeLessThan(1e-6));
    s.scale!.forEach((m, j) => expect(Math.abs(m - scale[j]) / scale[j]).toBeLessThan(1e-6));
  });

  test('inverseTransform undoes transform; accepts Tensor, nested arrays and {data, shape}', () => {
    const s = new StandardScaler().fit(my.tensor(X));
    const z = s.transform({ data: Float32Array.from(X.flat()), shape: [4, 3] });
    close(s.inverseTransform(z).arraySync(), X, 1e-6);
    expect(z.shape).toEqual([4, 3]);
  });

  test('withMean/withStd false', () => {
    const s = new StandardScaler({ withMean: false, withStd: false }).fit(X);
    close(s.transform(X).arraySync(), X, 0);
  });

  test('NaN is a ValueError naming row and column', () => {
    expect(() => new StandardScaler().fit([[1, 2], [3, NaN]])).toThrow(/row 1, column 1/);
    const s = new StandardScaler().fit([[1, 2], [3, 4]]);
    expect(() => s.transform([[NaN, 2]])).toThrow(ValueError);
  });

  test('bad input gives typed errors', () => {
    const s = new StandardScaler();
    expect(() => s.transform(X)).toThrow(/not fitted/);
    expect(() => s.fit([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => s.fit('abc' as never)).toThrow(ValueError);
    expect(() => s.fit([])).toThrow(ValueError);
    s.fit(X);
    expect(() => s.transform([[1, 2]])).toThrow(/3 features/);
    expect(() => new StandardScaler({ withMean: 1 as never })).toThrow(/withMean/);
  });
});

describe('MinMaxScaler', () => {
  test('featureRange [-1, 1] matches sklearn 1.2.1, constant feature maps to lo', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit(X);
    close(s.transform(X).arraySync(), [[-0.7142857, -1, -1], [0.4285714, -0.6, -1], [1, 1, -1], [-1, -0.2, -1]]);
    close(s.transform([[2, 10, 7]]).arraySync(), [[-0.1428571, 1.4, 3]]);
    close(s.inverseTransform(s.transform(X)).arraySync(), X, 1e-6);
  });

  test('default range [0, 1] and a bad range', () => {
    const s = new MinMaxScaler().fit([0, 5, 10]);
    expect(Array.from(s.transform([0, 5, 10]).dataSync())).toEqual([0, 0.5, 1]);
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(/featureRange/);
  });
});

describe('toJSON / fromJSON', () => {
  test('round trip through a JSON string gives the same transform', () => {
    for (const s of [new StandardScaler().fit(X), new MinMaxScaler({ featureRange: [-2, 3] }).fit(X)]) {
      const back = fromJSON(JSON.stringify(s.toJSON()));
      expect(back.className).toBe(s.className);
      expect(Array.from(back.transform(X).dataSync())).toEqual(Array.from(s.transform(X).dataSync()));
    }
    expect(fromJSON(new StandardScaler().toJSON()).fitted).toBe(false);
  });

  test('malformed JSON is a ValueError', () => {
    expect(() => fromJSON({ className: 'Nope', config: {}, state: null })).toThrow(ValueError);
    expect(() => fromJSON({ className: 'StandardScaler', config: {}, state: { mean: [1, 2], scale: [1] } })).toThrow(/expected 2/);
    expect(() => fromJSON({ className: 'StandardScaler', config: {}, state: { mean: [1], scale: ['x'] } as never })).toThrow(ValueError);
  });
});
