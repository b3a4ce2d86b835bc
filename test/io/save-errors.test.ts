/**
 * Save failures of the file system are IOErrors with the system code and leave the previous model intact;
 * an interrupted swap is completed; loadModel + save keeps the optimizer state exactly.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { IOError } from '../../lib/errors';
import { readSafetensors } from '../../lib/io/safetensors-read';

const roots: string[] = [];
function tmpRoot(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-save-err-'));
  roots.push(d);
  return d;
}
afterAll(() => { for (const d of roots) fs.rmSync(d, { recursive: true, force: true }); });
afterEach(() => jest.restoreAllMocks());
// The fs module object itself (the namespace import above has read-only bindings); lib/io reads through it.

const nodeFs = require('fs') as typeof fs;

function model(seed: number): my.Sequential {
  my.setSeed(seed);
  const m = my.sequential([my.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }), my.layers.dense({ units: 2 })]);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
  return m;
}
const weightsOf = (m: my.Sequential) => m.getWeights().map((t) => Array.from(t.dataSync()));
const sysError = (code: string, syscall: string) => Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall, errno: -1 });

/** A folder holding model A, and model B to save over it. */
function oldAndNew(): { root: string; dir: string; a: my.Sequential; b: my.Sequential } {
  const root = tmpRoot();
  const dir = path.join(root, 'model');
  const a = model(1);
  a.save(dir);
  return { root, dir, a, b: model(2) };
}
function expectOldIntact(root: string, dir: string, a: my.Sequential): void {
  expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(a));
  expect(fs.readdirSync(root)).toEqual(['model']);
}

describe('save: file-system failures are IOErrors and the previous model stays', () => {
  test.each([
    ['ENOSPC while writing the weights', 'writeSync', 'ENOSPC'],
    ['EROFS when creating the new folder', 'mkdirSync', 'EROFS'],
    ['EIO at fsync', 'fsyncSync', 'EIO'],
    ['EDQUOT when creating a file', 'openSync', 'EDQUOT'],
  ] as const)('%s', (_name, fn, code) => {
    const { root, dir, a, b } = oldAndNew();
    const real = nodeFs[fn] as (...args: unknown[]) => unknown;
    jest.spyOn(nodeFs, fn).mockImplementation(((...args: unknown[]) => {
      const target = String(args[0]);
      if (typeof args[0] === 'number' || target.includes('myelin-new')) throw sysError(code, fn);
      return real(...args);
    }) as never);
    let err: unknown;
    try { b.save(dir); } catch (e) { err = e; }
    jest.restoreAllMocks();
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(new RegExp(`save: cannot .*${code}`));
    expectOldIntact(root, dir, a);
  });

  test('a rename that fails at the swap puts the previous version back', () => {
    const { root, dir, a, b } = oldAndNew();
    const real = nodeFs.renameSync;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('myelin-new')) throw sysError('EBUSY', 'rename');
      return real(from, to);
    });
    expect(() => b.save(dir)).toThrow(expect.objectContaining({ code: 'EBUSY' }));
    jest.restoreAllMocks();
    expectOldIntact(root, dir, a);
  });

  test('a file where the folder should be: ENOTDIR, the file untouched', () => {
    const root = tmpRoot();
    const f = path.join(root, 'model');
    fs.writeFileSync(f, 'keep me');
    expect(() => model(1).save(f)).toThrow(expect.objectContaining({ name: 'IOError', code: 'ENOTDIR' }));
    expect(() => model(1).save(path.join(f, 'inner'))).toThrow(IOError);
    expect(fs.readFileSync(f, 'utf8')).toBe('keep me');
    expect(fs.readdirSync(root)).toEqual(['model']);
  });

  test('a folder holding other files is refused (ENOTEMPTY), nothing deleted', () => {
    const root = tmpRoot();
    fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');
    expect(() => model(1).save(root)).toThrow(expect.objectContaining({ code: 'ENOTEMPTY' }));
    expect(fs.readdirSync(root)).toEqual(['notes.txt']);
  });

  test('saving into a symbolic link to a model folder replaces the folder it points to', () => {
    const { root, dir, b } = oldAndNew();
    fs.symlinkSync(dir, path.join(root, 'link'));
    b.save(path.join(root, 'link'));
    expect(fs.lstatSync(path.join(root, 'link')).isSymbolicLink()).toBe(true);
    expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(b));
  });
});

describe('an interrupted swap', () => {
  test('killed between the two renames: loadModel reads the new version, the next save completes the swap', () => {
    const { root, dir, a, b } = oldAndNew();
    const staging = path.join(root, '.model.myelin-new');
    b.save(path.join(root, 'b'));
    fs.renameSync(path.join(root, 'b'), staging);
    fs.renameSync(dir, path.join(root, '.model.myelin-old'));
    expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(b));
    a.save(dir);
    expect(fs.readdirSync(root)).toEqual(['model']);
    expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(a));
  });

  test('a first save killed while writing: no model yet, and the next save succeeds', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'model');
    fs.mkdirSync(path.join(root, '.model.myelin-new'));
    fs.writeFileSync(path.join(root, '.model.myelin-new', 'weights.safetensors'), 'half');
    expect(() => my.loadModel(dir)).toThrow(/cannot read/);
    const a = model(1);
    a.save(dir);
    expect(fs.readdirSync(root)).toEqual(['model']);
    expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(a));
  });

  test('killed while writing the new version: the partial folder is ignored by loadModel and removed by the next save', () => {
    const { root, dir, a } = oldAndNew();
    fs.mkdirSync(path.join(root, '.model.myelin-new'));
    fs.writeFileSync(path.join(root, '.model.myelin-new', 'weights.safetensors'), 'half');
    expect(weightsOf(my.loadModel(dir))).toEqual(weightsOf(a));
    a.save(dir);
    expect(fs.readdirSync(root)).toEqual(['model']);
  });
});

test('loadModel then save keeps the optimizer state: training resumed from the second save is bit-identical', async () => {
  my.setSeed(3);
  const x = my.randomNormal([40, 3]);
  const y = my.randomNormal([40, 2]);
  const a = model(4);
  await a.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  const root = tmpRoot();
  a.save(path.join(root, 'first'));
  const b = my.loadModel(path.join(root, 'first'));
  b.save(path.join(root, 'second'));
  const slots = (f: string) => readSafetensors(path.join(root, f, 'optimizer.safetensors')).tensors;
  expect([...slots('second').keys()]).toEqual([...slots('first').keys()]);
  expect(slots('second').size).toBe(1 + 2 * a.trainableWeights.length);
  const c = my.loadModel(path.join(root, 'second'));
  await a.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  await c.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  expect(weightsOf(c)).toEqual(weightsOf(a));
});
