/**
 * csvLogger: the files of real fits read back by Python's csv module (header = 'epoch' + the sorted log keys, one
 * row per epoch equal to the history), a row on disk at the end of each epoch, separators and quoting, append and
 * overwrite, a validation column that first appears at epoch 2 (validationFreq), and the typed errors.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { pythonPath } from '../../benchmarks/peers';

const X = [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.1, 0.9]];
const Y = [1, 1, 0, 0, 1, 1];

function model(): my.Sequential {
  my.setSeed(3);
  const m = my.sequential([my.layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }), my.layers.dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempFile(name = 'log.csv'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-'));
  dirs.push(dir);
  return path.join(dir, 'run', name);
}

/** The file as Python's csv.reader reads it with `separator`: a list of rows of strings. */
function pythonRows(file: string, separator = ','): string[][] {
  const code = 'import csv, json, sys\nwith open(sys.argv[1], newline="") as f:\n  print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))';
  const r = spawnSync(pythonPath(), ['-c', code, file, separator], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python csv failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

/** The history as rows [epoch, ...values of `columns`] of strings, as the file should hold them. */
function historyRows(h: my.History, columns: string[], from = 0): string[][] {
  return h.epoch.map((e, i) => [String(from + e), ...columns.map((k) => String(h.history[k][i]))]);
}

describe('csvLogger', () => {
  test('a fit with validation: header epoch + sorted keys, rows equal to the history (read by Python csv)', async () => {
    const file = tempFile();
    const h = await model().fit(X, Y, { epochs: 3, batchSize: 4, validationSplit: 1 / 3, verbose: 0, callbacks: [my.callbacks.csvLogger(file)] });
    const rows = pythonRows(file);
    const columns = ['accuracy', 'loss', 'val_accuracy', 'val_loss'];
    expect(rows[0]).toEqual(['epoch', ...columns]);
    expect(rows.slice(1)).toEqual(historyRows(h, columns));
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual(h.history.loss);
  });

  test('each epoch is on disk when the epoch ends', async () => {
    const file = tempFile();
    const seen: number[] = [];
    const reader = { onEpochEnd: () => { seen.push(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).length); } };
    await model().fit(X, Y, { epochs: 3, batchSize: 6, verbose: 0, callbacks: [my.callbacks.csvLogger(file), reader] });
    expect(seen).toEqual([2, 3, 4]);
  });

  test('separator ";", and a key holding the separator and a quote is quoted as Python csv reads it', async () => {
    const file = tempFile();
    const addKey = { onEpochEnd: (e: number, logs: Record<string, number>) => { logs['odd;"key"'] = e / 2; } };
    await model().fit(X, Y, { epochs: 2, batchSize: 6, verbose: 0, callbacks: [addKey, my.callbacks.csvLogger(file, { separator: ';' })] });
    const rows = pythonRows(file, ';');
    expect(rows[0]).toEqual(['epoch', 'accuracy', 'loss', 'odd;"key"']);
    expect(rows.map((r) => r[3])).toEqual(['odd;"key"', '0', '0.5']);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('epoch;accuracy;loss;"odd;""key"""');
  });

  test('non-finite values as Python writes them; a key missing from an epoch is NA', async () => {
    const file = tempFile();
    const values = [NaN, Infinity, -Infinity];
    const edit = { onEpochEnd: (e: number, logs: Record<string, number>) => { logs.weird = values[e]; if (e === 2) delete logs.accuracy; } };
    await model().fit(X, Y, { epochs: 3, batchSize: 6, verbose: 0, callbacks: [edit, my.callbacks.csvLogger(file)] });
    const rows = pythonRows(file);
    expect(rows.map((r) => r[3])).toEqual(['weird', 'nan', 'inf', '-inf']);
    expect(rows[3][1]).toBe('NA');
  });

  test('append: false overwrites; append: true continues under the same header', async () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'old content\n');
    const m = model();
    const h1 = await m.fit(X, Y, { epochs: 2, batchSize: 6, verbose: 0, callbacks: [my.callbacks.csvLogger(file)] });
    const h2 = await m.fit(X, Y, { epochs: 2, batchSize: 6, verbose: 0, callbacks: [my.callbacks.csvLogger(file, { append: true })] });
    const rows = pythonRows(file);
    const columns = ['accuracy', 'loss'];
    expect(rows).toEqual([['epoch', ...columns], ...historyRows(h1, columns), ...historyRows(h2, columns)]);
  });

  test('append to a file whose header orders the columns otherwise: rows follow that header', async () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'epoch,loss,accuracy,lr\n0,1,0.5,0.1');
    const h = await model().fit(X, Y, { epochs: 1, batchSize: 6, verbose: 0, callbacks: [my.callbacks.csvLogger(file, { append: true })] });
    expect(pythonRows(file)).toEqual([['epoch', 'loss', 'accuracy', 'lr'], ['0', '1', '0.5', '0.1'], ['0', String(h.history.loss[0]), String(h.history.accuracy[0]), 'NA']]);
  });

  test('a validation column first logged at epoch 2 (validationFreq 2) widens the header; epoch 0 gets NA', async () => {
    const file = tempFile();
    const x = my.randomUniform([24, 2], { seed: 1 });
    const y = my.randomUniform([24, 1], { seed: 2 });
    const data = my.data.fromArrays(x, y).batch(8);
    const h = await model().fit(data, { epochs: 3, validationData: data, validationFreq: 2, verbose: 0, callbacks: [my.callbacks.csvLogger(file)] });
    const rows = pythonRows(file);
    expect(rows[0]).toEqual(['epoch', 'accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(rows.map((r) => r[3])).toEqual(['val_accuracy', 'NA', String(h.history.val_accuracy[0]), 'NA']);
    expect(rows.map((r) => r[2]).slice(1)).toEqual(h.history.loss.map(String));
  });

  test('bad options and a foreign header: typed errors that say what to do', async () => {
    expect(() => my.callbacks.csvLogger('')).toThrow(my.ValueError);
    expect(() => my.callbacks.csvLogger('a.csv', { separator: ',,' })).toThrow(/separator must be one character/);
    expect(() => my.callbacks.csvLogger('a.csv', { separator: '"' })).toThrow(/separator must be one character other than a quote/);
    expect(() => my.callbacks.csvLogger('a.csv', { append: 'yes' } as never)).toThrow(/append must be a boolean/);
    expect(() => my.callbacks.csvLogger('a.csv', { seperator: ';' } as never)).toThrow(/unknown option 'seperator'; did you mean 'separator'\?/);
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'step;loss\n');
    const m = model();
    await expect(m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [my.callbacks.csvLogger(file, { append: true })] })).rejects.toThrow(/not one starting with 'epoch'.*set append: false/);
    fs.writeFileSync(file, 'epoch,loss\n');
    await expect(m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [my.callbacks.csvLogger(file, { append: true })] })).rejects.toThrow(/logs accuracy, which the header .* has no column/);
    const blocker = tempFile('blocker');
    fs.mkdirSync(path.dirname(blocker), { recursive: true });
    fs.writeFileSync(blocker, 'x');
    await expect(m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [my.callbacks.csvLogger(path.join(blocker, 'log.csv'))] })).rejects.toThrow(my.IOError);
    expect(m.predict(my.tensor([[1, 0]])).shape).toEqual([1, 1]);  // still usable
  });
});
