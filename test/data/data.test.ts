/** Data helpers: CSV reading (plain, gzip, headers), shipped data sets, splits, one-hot. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as my from '../../lib/index';
import { loadDataset, oneHot, parseCsv, readCsv, trainTestSplit } from '../../lib/data/index';
import { ShapeError, ValueError } from '../../lib/errors';

describe('readCsv', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('named header, target by name and by negative index, gzip', () => {
    const text = 'a,b,label\n1,2,0\n3,4,1\n\n5,6.5,1\n';
    const file = path.join(dir, 't.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync(text));
    const t = readCsv(file, { target: 'label' });
    expect(t.x.arraySync()).toEqual([[1, 2], [3, 4], [5, 6.5]]);
    expect(t.y!.arraySync()).toEqual([0, 1, 1]);
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(parseCsv(text, { target: -1 }).targetName).toBe('label');
    expect(parseCsv(text).y).toBeNull();
  });

  test('no header, whitespace and tab delimiters', () => {
    expect(parseCsv('1 2  3\n4 5 6').x.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(parseCsv('1\t2\n3\t4', { target: 0 }).y!.arraySync()).toEqual([1, 3]);
  });

  test('bad fields name the line and column', () => {
    expect(() => parseCsv('a,b\n1,2\n3,x')).toThrow(/line 3, column 2/);
    expect(() => parseCsv('1,2\n3')).toThrow(/line 2 has 1 fields, expected 2/);
    expect(() => parseCsv('a,b\n1,2', { target: 'c' })).toThrow(/not found/);
    expect(() => parseCsv('1,2', { target: 5 })).toThrow(ValueError);
    expect(() => readCsv(path.join(dir, 'missing.csv'))).toThrow(/cannot read/);
    expect(() => parseCsv('')).toThrow(/no rows/);
  });
});

describe('loadDataset', () => {
  test.each([
    ['iris', 150, 4, 3], ['wine', 178, 13, 3], ['breast_cancer', 569, 30, 2], ['digits', 1797, 64, 10],
  ] as const)('%s has %i samples of %i features and %i classes', (name, n, f, k) => {
    const d = loadDataset(name);
    expect(d.x.shape).toEqual([n, f]);
    expect(d.y.shape).toEqual([n]);
    expect(d.classNames!.length).toBe(k);
    expect(new Set(Array.from(d.y.dataSync())).size).toBe(k);
  });

  test('digits pixel sum and class counts match numpy.loadtxt of the source file', () => {
    const d = loadDataset('digits');
    expect(d.x.dataSync().reduce((a, b) => a + b, 0)).toBe(561718);
    const counts = new Array(10).fill(0);
    d.y.dataSync().forEach((c) => counts[c]++);
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });

  test('diabetes is a regression set (numpy: mean BMI 26.3758, mean target 152.1335)', () => {
    const d = loadDataset('diabetes');
    expect(d.x.shape).toEqual([442, 10]);
    expect(d.task).toBe('regression');
    const x = d.x.dataSync();
    let bmi = 0;
    for (let i = 0; i < 442; i++) bmi += x[i * 10 + 2];
    expect(bmi / 442).toBeCloseTo(26.37579, 4);
    expect(d.y.dataSync().reduce((a, b) => a + b, 0) / 442).toBeCloseTo(152.13348, 3);
    expect(() => loadDataset('mnist' as never)).toThrow(ValueError);
  });
});

describe('trainTestSplit', () => {
  const x = Array.from({ length: 50 }, (_, i) => [i, -i]);
  const y = Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : i < 45 ? 1 : 2));

  test('sizes, disjoint cover, rows stay paired', () => {
    const s = trainTestSplit(x, y, { seed: 3 });
    expect(s.xTest.shape).toEqual([10, 2]);
    expect(s.yTrain.shape).toEqual([40]);
    expect([...s.trainIndices, ...s.testIndices].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const xt = s.xTest.arraySync() as number[][];
    s.testIndices.forEach((idx, r) => expect(xt[r]).toEqual([idx, -idx]));
  });

  test('same seed gives the same split, another seed another one', () => {
    const a = trainTestSplit(x, y, { seed: 0 }).testIndices;
    expect(trainTestSplit(x, y, { seed: 0 }).testIndices).toEqual(a);
    expect(trainTestSplit(x, y, { seed: 1 }).testIndices).not.toEqual(a);
  });

  test('stratify keeps class proportions (8/1/1 of 10 for 40/5/5)', () => {
    for (const seed of [0, 1, 2]) {
      const s = trainTestSplit(x, y, { seed, stratify: true });
      const counts = [0, 0, 0];
      s.yTest.dataSync().forEach((c) => counts[c]++);
      expect(counts).toEqual([8, 1, 1]);
    }
    const iris = loadDataset('iris');
    const s = trainTestSplit(iris.x, iris.y, { seed: 0, stratify: true, testSize: 0.2 });
    const counts = [0, 0, 0];
    s.yTest.dataSync().forEach((c) => counts[c]++);
    expect(counts).toEqual([10, 10, 10]);
  });

  test('bad arguments', () => {
    expect(() => trainTestSplit(x, y.slice(1), { seed: 0 })).toThrow(ShapeError);
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrow(/testSize/);
    expect(() => trainTestSplit(x, y, { stratify: [1, 2] })).toThrow(ShapeError);
  });
});

describe('oneHot', () => {
  test('encodes and validates', () => {
    expect(oneHot([2, 0, 1]).arraySync()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(oneHot(my.tensor([[1], [0]]), 3).arraySync()).toEqual([[0, 1, 0], [1, 0, 0]]);
    expect(() => oneHot([0, 3], 3)).toThrow(/labels\[1\]/);
    expect(() => oneHot([0.5])).toThrow(ValueError);
    expect(() => oneHot([0], 0)).toThrow(/numClasses/);
  });
});
