/**
 * `await model.save(dir)` and `await my.loadModel(dir)`: the same folder as the synchronous forms, written
 * and read through fs/promises (the event loop turns while they run), atomically replaced, and refusing the
 * hostile folders the synchronous loader refuses.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { IOError, ModelFormatError } from '../../lib/errors';

const roots: string[] = [];
afterAll(() => roots.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-async-io-'));
  roots.push(d);
  return d;
}

async function trained(seed: number): Promise<{ model: my.Sequential; x: my.Tensor; y: my.Tensor }> {
  const d = my.data.loadDataset('iris');
  const x = new my.scalers.StandardScaler().fitTransform(d.x);
  my.setSeed(seed);
  const model = my.sequential([
    my.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
    my.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, d.y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
  return { model, x, y: d.y };
}

const values = (t: my.Tensor): number[] => Array.from(t.dataSync());
const bytesOf = (dir: string): Record<string, string> =>
  Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

describe('async save / loadModel', () => {
  it('returns promises that yield to the event loop and write what saveSync writes', async () => {
    const { model } = await trained(3);
    const root = tmpDir();
    model.saveSync(path.join(root, 'sync'));
    let turned = false;
    setImmediate(() => { turned = true; });
    const saving = model.save(path.join(root, 'async'));
    expect(saving).toBeInstanceOf(Promise);
    expect(turned).toBe(false);
    await saving;
    expect(turned).toBe(true);
    const sync = bytesOf(path.join(root, 'sync'));
    const async = bytesOf(path.join(root, 'async'));
    // model.json differs in nothing: same architecture, weights and version.
    expect(async).toEqual(sync);
  });

  it('loads what it saved: same predictions, and training continues identically', async () => {
    const { model, x, y } = await trained(4);
    const dir = path.join(tmpDir(), 'm');
    await model.save(dir);
    const loading = my.loadModel(dir);
    expect(loading).toBeInstanceOf(Promise);
    const again = await loading;
    expect(values(again.predict(x))).toEqual(values(model.predict(x)));
    await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    await again.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    expect(values(again.predict(x))).toEqual(values(model.predict(x)));
    const uncompiled = await my.loadModel(dir, { compile: false });
    expect(uncompiled.compileConfig).toBeNull();
  });

  it('replaces a saved folder atomically and refuses one holding foreign files', async () => {
    const a = (await trained(5)).model;
    const b = (await trained(6)).model;
    const root = tmpDir();
    const dir = path.join(root, 'm');
    await a.save(dir);
    await b.save(dir);
    expect(fs.readdirSync(root)).toEqual(['m']);
    expect((await my.loadModel(dir)).getWeights().map(values)).toEqual(b.getWeights().map(values));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await expect(a.save(dir)).rejects.toThrow(expect.objectContaining({ name: 'IOError', code: 'ENOTEMPTY' }));
    await expect(a.save(path.join(dir, 'notes.txt'))).rejects.toThrow(IOError);
    expect((await my.loadModel(dir)).getWeights().map(values)).toEqual(b.getWeights().map(values));
  });

  it.each([
    ['weights.safetensors is a symbolic link', (d: string) => { const w = path.join(d, 'weights.safetensors'); fs.renameSync(w, `${w}.real`); fs.symlinkSync(`${w}.real`, w); }, /is a symbolic link/],
    ['weights.safetensors is a FIFO', (d: string) => { const w = path.join(d, 'weights.safetensors'); fs.rmSync(w); execFileSync('mkfifo', [w]); }, /not a regular file/],
    ['weights.safetensors is truncated', (d: string) => { const w = path.join(d, 'weights.safetensors'); fs.truncateSync(w, fs.statSync(w).size - 4); }, /weights\.safetensors/],
    ['model.json is missing', (d: string) => fs.rmSync(path.join(d, 'model.json')), /cannot read model file/],
    ['model.json is not JSON', (d: string) => fs.writeFileSync(path.join(d, 'model.json'), '{"format": '), /model\.json/],
    ['optimizer.safetensors is missing', (d: string) => fs.rmSync(path.join(d, 'optimizer.safetensors')), /cannot read optimizer file/],
  ])('rejects a folder where %s with ModelFormatError', async (_label, spoil, message) => {
    const { model } = await trained(7);
    const dir = path.join(tmpDir(), 'm');
    await model.save(dir);
    spoil(dir);
    const loading = my.loadModel(dir);
    await expect(loading).rejects.toThrow(ModelFormatError);
    await expect(loading).rejects.toThrow(message);
  });
});
