/**
 * fromCsv (streamed) and readCsv with string columns: rows equal readCsv's table on the real iris data with its
 * class names as a string label (plain, gzip, tiny blocks), line numbers in errors, unknown categories by option,
 * the byte-level number parser against Number(), and a fit from the stream to the reference accuracy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as my from '../../lib/index';
import { fromCsv, readCsv } from '../../lib/data/index';
import { parseDecimalBytes } from '../../lib/data/csv-fields';
import { ValueError } from '../../lib/errors';
import type { Tensor } from '../../lib/tensor/tensor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-stream-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The shipped iris table with its class names as a string 'species' column (the form users have). */
function irisWithNames(): { file: string; rows: string[][] } {
  const lines = fs.readFileSync(path.join(__dirname, '../../data/iris.csv'), 'utf8').trim().split('\n');
  const names = lines[0].split(',').slice(2);
  const rows = lines.slice(1).map((l) => { const f = l.split(','); return [...f.slice(0, 4), names[Number(f[4])]]; });
  const file = path.join(dir, 'iris-named.csv');
  fs.writeFileSync(file, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n');
  return { file, rows };
}
const iris = irisWithNames();

async function rowsOf(ds: ReturnType<typeof fromCsv>): Promise<{ xs: number[]; ys?: number }[]> {
  return (await ds.toArray()).map((r) => ({ xs: Array.from(r.xs), ys: r.ys }));
}

describe('fromCsv', () => {
  test('iris with a string label: the same rows as readCsv, plain, gzip and in 1 KiB blocks', async () => {
    const table = readCsv(iris.file, { target: 'species' });
    expect(table.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    const x = table.x.arraySync() as number[][];
    const y = Array.from(table.y!.dataSync());
    const gz = path.join(dir, 'iris-named.csv.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(iris.file)));
    for (const ds of [fromCsv(iris.file, { target: 'species' }), fromCsv(gz, { target: -1 }), fromCsv(iris.file, { target: 'species', blockBytes: 1024 })]) {
      const rows = await rowsOf(ds);
      expect(rows.map((r) => r.xs)).toEqual(x);
      expect(rows.map((r) => r.ys)).toEqual(y);
      const schema = await ds.schema();
      expect(schema.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(schema.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    }
  });

  test('a string feature is one-hot with the OOV column first; unseen values go there or fail, by option', async () => {
    const file = path.join(dir, 'colors.csv');
    fs.writeFileSync(file, 'size,color,label\n1,red,a\n2,blue,b\n3,red,a\n\n4,purple,b\n5,"dark, red",a\n');
    const ds = fromCsv(file, { target: 'label', vocabularyRows: 3 });
    const schema = await ds.schema();
    expect(schema.featureNames).toEqual(['size', 'color=[UNK]', 'color=red', 'color=blue']);
    expect(schema.columnTypes).toEqual(['number', 'string', 'string']);
    expect(await rowsOf(ds)).toEqual([
      { xs: [1, 0, 1, 0], ys: 0 }, { xs: [2, 0, 0, 1], ys: 1 }, { xs: [3, 0, 1, 0], ys: 0 }, { xs: [4, 1, 0, 0], ys: 1 }, { xs: [5, 1, 0, 0], ys: 0 },
    ]);
    await expect(fromCsv(file, { target: 'label', vocabularyRows: 3, unknownCategory: 'error' }).toArray())
      .rejects.toThrow(/line 6, column 2 \(color\): category "purple" is not in the vocabulary/);
    const labels = path.join(dir, 'labels.csv');
    fs.writeFileSync(labels, 'v,label\n1,a\n2,b\n3,c\n');
    await expect(fromCsv(labels, { target: 'label', vocabularyRows: 2 }).toArray()).rejects.toThrow(/line 4, column 2 \(label\): label "c" is not a class/);
    const enc = new my.preprocessing.LabelEncoder().fit(['a', 'b', 'c']);
    expect((await rowsOf(fromCsv(labels, { target: 'label', vocabularyRows: 2, encoders: { label: enc } }))).map((r) => r.ys)).toEqual([0, 1, 2]);
  });

  test('bad rows name their line; shuffle, batch and take compose', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'a,b\n1,2\n3,4\n5\n');
    await expect(fromCsv(file).toArray()).rejects.toThrow(/bad.csv line 4 has 1 fields, expected 2/);
    fs.writeFileSync(file, 'a,b\n1,2\n3,x\n');
    await expect(fromCsv(file).toArray()).rejects.toThrow(ValueError);
    await expect(fromCsv(file).toArray()).rejects.toThrow(/line 3, column 2: expected a decimal number, got "x"/);
    fs.writeFileSync(file, 'a,b\n1,2\n3,1e39\n');
    await expect(fromCsv(file).toArray()).rejects.toThrow(/line 3, column 2: 1e39 overflows float32/);
    await expect(fromCsv(path.join(dir, 'missing.csv')).toArray()).rejects.toThrow(/cannot read/);
    expect(() => fromCsv(iris.file, { blockBytes: 10 })).toThrow(/blockBytes/);
    await expect(fromCsv(iris.file, { target: 'nope' }).toArray()).rejects.toThrow(/target must be a column name/);
    const batches = await fromCsv(iris.file, { target: 'species' }).shuffle(150, 1).batch(64).take(2).toArray() as { xs: Tensor; ys: Tensor }[];
    expect(batches.map((b) => b.xs.shape)).toEqual([[64, 4], [64, 4]]);
  });

  test('a model trained from the stream (string label) classifies iris as the array recipe does (>= 0.93)', async () => {
    my.setSeed(0);
    const m = my.sequential([my.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), my.layers.dense({ units: 3, activation: 'softmax' })]);
    m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(fromCsv(iris.file, { target: 'species' }).shuffle(150, 0).batch(16).prefetch(2), { epochs: 80, verbose: 0 });
    const [, acc] = await m.evaluate(fromCsv(iris.file, { target: 'species' }).batch(50)) as number[];
    expect(acc).toBeGreaterThanOrEqual(0.93);
  });
});

describe('the byte-level decimal parser', () => {
  test('equals Math.fround(Number(text)) on 20000 literals of every form; NaN for what is not a decimal', () => {
    let seed = 12345;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const forms = [
      () => (rand() * 2 - 1).toFixed(Math.floor(rand() * 9)),
      () => String(Math.floor(rand() * 1e6)),
      () => (rand() * 1e-3).toExponential(Math.floor(rand() * 8)),
      () => `${rand() < 0.5 ? '-' : '+'}${(rand() * 1e30).toPrecision(1 + Math.floor(rand() * 20))}`,
      () => `.${Math.floor(rand() * 1e7)}`,
      () => `${Math.floor(rand() * 1e5)}.`,
      () => `0.${'0'.repeat(Math.floor(rand() * 30))}${Math.floor(rand() * 1e9)}E-${Math.floor(rand() * 20)}`,
      () => `123456789012345678901234${rand() < 0.5 ? '' : '.5'}`,
    ];
    const differ: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const text = forms[i % forms.length]();
      const b = Buffer.from(` ${text} `);
      if (!Object.is(parseDecimalBytes(b, 0, b.length), Number(text))) differ.push(text);
    }
    expect(differ).toEqual([]);
    for (const bad of ['', '-', '.', '1e', '1e+', '0x10', 'Infinity', 'NaN', '1_0', '1.2.3', '--1', 'e5']) {
      const b = Buffer.from(bad);
      expect([bad, parseDecimalBytes(b, 0, b.length)]).toEqual([bad, NaN]);
    }
  });
});

describe('readCsv with string columns', () => {
  test('string target: LabelEncoder indices and classNames; string feature: one-hot columns named column_category', () => {
    const t = my.data.parseCsv('w,color,label\n1.5,red,yes\n2,blue,no\n3,red,yes\n', { target: 'label' });
    expect(t.y!.arraySync()).toEqual([1, 0, 1]);
    expect(t.classNames).toEqual(['no', 'yes']);
    expect(t.featureNames).toEqual(['w', 'color_blue', 'color_red']);
    expect(t.x.arraySync()).toEqual([[1.5, 0, 1], [2, 1, 0], [3, 0, 1]]);
    expect(t.columnTypes).toEqual({ w: 'number', color: 'string', label: 'string' });
    expect(Object.keys(t.encoders)).toEqual(['label', 'color']);
    expect(() => my.data.parseCsv('a,b\n1,2\n3,x')).toThrow(/line 3, column 2/);  // a numeric column stays numeric
    expect(my.data.parseCsv('a,b\n1,2\n3,x', { columnTypes: { b: 'string' } }).featureNames).toEqual(['a', 'b_2', 'b_x']);
  });
});
