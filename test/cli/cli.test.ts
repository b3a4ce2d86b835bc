/** The `myelin` command: option parsing, exit codes, a short training run on a CSV file, --save. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { parseTrainArgs, UsageError } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';

function capture(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err.push(String(s)); return true; });
  return { out, err, restore: () => { o.mockRestore(); e.mockRestore(); } };
}

describe('parseTrainArgs', () => {
  test('defaults and every option', () => {
    expect(parseTrainArgs([])).toMatchObject({ data: null, target: -1, hidden: [64], epochs: 50, batchSize: 32, lr: 1e-3, optimizer: 'adam', loss: null });
    expect(parseTrainArgs(['train', '--data', 'a.csv', '--target', 'price', '--hidden', '64,32', '--epochs=3', '--batch-size', '8',
      '--lr', '0.01', '--optimizer', 'SGD', '--loss', 'mse', '--save', 'out', '--seed', '4', '--test-size', '0.3', '--quiet'])).toMatchObject({
      data: 'a.csv', target: 'price', hidden: [64, 32], epochs: 3, batchSize: 8, lr: 0.01, optimizer: 'sgd', loss: 'mse', save: 'out', seed: 4, testSize: 0.3, verbose: 0,
    });
    expect(parseTrainArgs(['--target', '-2']).target).toBe(-2);
  });

  test.each([
    [['--epochs', '0'], /--epochs must be an integer >= 1, got "0"/],
    [['--epochs', 'ten'], /--epochs/],
    [['--hidden', '64,x'], /--hidden/],
    [['--lr', '-1'], /--lr must be a number > 0/],
    [['--test-size', '1'], /--test-size/],
    [['--optimizer', 'lbfgs'], /--optimizer must be one of/],
    [['--loss', 'hinge'], /--loss must be one of/],
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['--data'], /--data needs a value/],
    [['--data', '--epochs', '3'], /--data needs a value/],
    [['fly'], /unknown command "fly"/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseTrainArgs(argv as string[])).toThrow(message);
  });
});

describe('main', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--help prints the usage and exits 0; a bad option exits 2 with a message', async () => {
    const c = capture();
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['train', '--epochs', '-3'])).toBe(2);
      expect(await main(['--data', path.join(dir, 'missing.csv')])).toBe(2);
    } finally {
      c.restore();
    }
    expect(c.out.join('')).toMatch(/Usage: myelin/);
    expect(c.err.join('')).toMatch(/myelin: --epochs must be an integer/);
    expect(c.err.join('')).toMatch(/cannot read/);
  });

  test('trains on a CSV with a named target, reports accuracy, backend and time, and saves a loadable model', async () => {
    // Two well separated blobs: the class is whether x0 + x1 > 0.
    const lines = ['x0,x1,noise,label'];
    for (let i = 0; i < 120; i++) {
      const a = Math.sin(i * 12.9898) * 3;
      const b = Math.cos(i * 78.233) * 3;
      lines.push(`${a.toFixed(4)},${b.toFixed(4)},${((i * 7) % 5) / 5},${a + b > 0 ? 1 : 0}`);
    }
    const csv = path.join(dir, 'blobs.csv');
    fs.writeFileSync(csv, lines.join('\n'));
    const save = path.join(dir, 'model');
    const c = capture();
    let code: number;
    try {
      code = await main(['train', '--data', csv, '--target', 'label', '--hidden', '16', '--epochs', '40', '--lr', '0.02', '--quiet', '--save', save]);
    } finally {
      c.restore();
    }
    const out = c.out.join('');
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/task: classification, 2 classes/);
    expect(out).toMatch(/backend: (cpu|reference|cuda)/);
    expect(out).toMatch(/time: fit \d+\.\d\d s/);
    const acc = Number(/test accuracy: ([\d.]+)/.exec(out)![1]);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    const model = my.loadModelSync(save);
    expect(model.predict([[1, 1, 0]]).shape).toEqual([1, 2]);
    // The scaler the model was trained with is saved beside it.
    const scaler = my.scalers.fromJSON(JSON.parse(fs.readFileSync(path.join(save, 'scaler.json'), 'utf8')));
    expect(scaler.transform([[1, 1, 0]]).shape).toEqual([1, 3]);
    expect(out).toMatch(/scaler\.json/);
  });

  test('a real-valued target is a regression', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i / 10} ${(i % 7) / 7} ${(2 * i) / 10 + 0.5}`);
    const file = path.join(dir, 'reg.txt');
    fs.writeFileSync(file, lines.join('\n'));
    const c = capture();
    let code: number;
    try {
      code = await main(['--data', file, '--epochs', '5', '--quiet']);
    } finally {
      c.restore();
    }
    expect(code).toBe(0);
    expect(c.out.join('')).toMatch(/task: regression \(loss meanSquaredError\)/);
    expect(c.out.join('')).toMatch(/test mae: /);
  });
  test('--data with a string target (iris with its species names) trains; the saved preprocessor maps raw rows to species', async () => {
    const lines = fs.readFileSync(path.join(__dirname, '../../data/iris.csv'), 'utf8').trim().split('\n');
    const names = lines[0].split(',').slice(2);
    const rows = lines.slice(1).map((l) => { const f = l.split(','); return [...f.slice(0, 4), names[Number(f[4])]].join(','); });
    const csv = path.join(dir, 'iris-species.csv');
    fs.writeFileSync(csv, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n'));
    const save = path.join(dir, 'iris-model');
    const c = capture();
    let code: number;
    try {
      code = await main(['--data', csv, '--target', 'species', '--hidden', '16', '--epochs', '60', '--lr', '0.02', '--quiet', '--save', save]);
    } finally {
      c.restore();
    }
    const out = c.out.join('');
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/species -> class index \(setosa, versicolor, virginica\)/);
    expect(out).toMatch(/task: classification, 3 classes/);
    expect(Number(/test accuracy: ([\d.]+)/.exec(out)![1])).toBeGreaterThanOrEqual(0.9);
    // Raw rows (the CSV's own strings) through the saved preprocessor and the loaded model give back species names.
    const pre = my.preprocessing.Preprocessor.load(save);
    const model = await my.loadModel(save);
    const raw = rows.map((r) => r.split(','));
    const predicted = pre.decode(model.predict(pre.transform(raw.map((r) => r.slice(0, 4)))));
    const right = predicted.filter((label, i) => label === raw[i][4]).length;
    expect(right / raw.length).toBeGreaterThanOrEqual(0.9);
    expect(() => pre.transform([['5.1', '3.5', '1.4']])).toThrow(/holds 3 values, expected 4/);
    expect(() => pre.transform([{ sepal_length: 5, sepal_width: 3, petal_length: 'x', petal_width: 1 }])).toThrow(/"petal_length" must be a finite number/);
  });
});
