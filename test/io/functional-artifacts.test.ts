/**
 * Graph models (`my.model`) through every save form: `await save(dir)` / `await loadModel(dir)`, `saveSync` /
 * `loadModelSync`, `toArtifacts` / `save(my.io.memory())` with `loadModel(artifacts)`, and `saveWeights` /
 * `loadWeights`: same predictions, and training resumes identically where the optimizer state travels.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ModelFormatError } from '../../lib/errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-functional-artifacts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function seeded(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

/** Two inputs, a shared dense layer, a concatenation and two heads, compiled and trained a little. */
async function twoHeads(): Promise<{ model: my.Model; x: my.Tensor[]; y: my.Tensor[] }> {
  my.setSeed(5);
  const a = my.input({ shape: [3], name: 'a' });
  const b = my.input({ shape: [2], name: 'b' });
  const ha = my.layers.dense({ units: 4, activation: 'relu', name: 'ha' }).apply(a) as my.SymbolicTensor;
  const hb = my.layers.dense({ units: 4, activation: 'tanh', name: 'hb' }).apply(b) as my.SymbolicTensor;
  const joined = my.layers.concatenate({ name: 'joined' }).apply([ha, hb]) as my.SymbolicTensor;
  const cls = my.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(joined) as my.SymbolicTensor;
  const reg = my.layers.dense({ units: 1, name: 'reg' }).apply(joined) as my.SymbolicTensor;
  const model = my.model({ inputs: [a, b], outputs: [cls, reg], name: 'two_heads' });
  model.compile({ optimizer: 'adam', loss: { cls: 'sparseCategoricalCrossentropy', reg: 'meanSquaredError' } });
  const n = 24;
  const x = [my.tensor(seeded(n * 3, 1), [n, 3]), my.tensor(seeded(n * 2, 2), [n, 2])];
  const y = [my.tensor(seeded(n, 3).map((v) => (v > 0 ? 1 : 0)), [n, 1]), my.tensor(seeded(n, 4), [n, 1])];
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 1 });
  return { model, x, y };
}

const outputs = (m: my.Model, x: my.Tensor[]): number[][] => (m.predict(x) as my.Tensor[]).map((t) => Array.from(t.dataSync()));

test('await save(dir) / loadModel(dir) and saveSync / loadModelSync write the same files and load the same model', async () => {
  const { model, x } = await twoHeads();
  const asyncDir = path.join(tmp, 'async');
  const syncDir = path.join(tmp, 'sync');
  await model.save(asyncDir);
  model.saveSync(syncDir);
  for (const f of ['model.json', 'weights.safetensors', 'optimizer.safetensors']) {
    expect(fs.readFileSync(path.join(syncDir, f))).toEqual(fs.readFileSync(path.join(asyncDir, f)));
  }
  const a = await my.loadModel<my.Model>(asyncDir);
  const s = my.loadModelSync<my.Model>(syncDir);
  expect(a.getConfig()).toEqual(model.getConfig());
  expect(outputs(a, x)).toEqual(outputs(model, x));
  expect(outputs(s, x)).toEqual(outputs(model, x));
});

test('toArtifacts and save(my.io.memory()) load back with the optimizer state: training resumes identically', async () => {
  const { model, x, y } = await twoHeads();
  const artifacts = model.toArtifacts();
  expect(artifacts.modelJson.architecture.className).toBe('Functional');
  expect(artifacts.optimizer).toBeInstanceOf(Uint8Array);
  const memory = my.io.memory();
  await model.save(memory);
  expect(memory.artifacts!.weights).toEqual(artifacts.weights);
  const fromArtifacts = await my.loadModel<my.Model>(artifacts);
  const fromMemory = my.loadModelSync<my.Model>(memory.artifacts!);
  expect(outputs(fromArtifacts, x)).toEqual(outputs(model, x));
  const h0 = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 7 });
  const h1 = await fromArtifacts.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 7 });
  const h2 = await fromMemory.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 7 });
  expect(h1.history).toEqual(h0.history);
  expect(h2.history).toEqual(h0.history);
});

test('saveWeights / loadWeights move the weights of a graph model; a graph of other shapes is refused by name', async () => {
  const { model, x } = await twoHeads();
  const file = path.join(tmp, 'two-heads.safetensors');
  model.saveWeights(file);
  my.setSeed(99);
  const fresh = my.Model.fromConfig(model.getConfig() as my.GraphModelConfig);
  expect(outputs(fresh, x)).not.toEqual(outputs(model, x));
  fresh.loadWeights(file);
  expect(outputs(fresh, x)).toEqual(outputs(model, x));
  my.setSeed(6);
  const a = my.input({ shape: [3], name: 'a' });
  const other = my.model({ inputs: a, outputs: my.layers.dense({ units: 5, name: 'ha' }).apply(a) as my.SymbolicTensor });
  expect(() => other.loadWeights(file)).toThrow(ModelFormatError);
  expect(() => other.loadWeights(file)).toThrow(/ha\/kernel has shape \[3, 4\], the model needs \[3, 5\]/);
});
