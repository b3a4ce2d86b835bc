/**
 * Models in memory (`model.toArtifacts()`, `model.save(my.io.memory())`, `loadModel(artifacts)`) and weights
 * files (`saveWeights` / `loadWeights`), the weights file read back by Python with NumPy alone (header JSON
 * plus raw little-endian float32, as the safetensors format is specified), independently of our reader.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ModelFormatError, ValueError } from '../../lib/errors';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-artifacts-'));
  dirs.push(d);
  return d;
}

async function trained(): Promise<{ model: my.Sequential; x: my.Tensor }> {
  const d = my.data.loadDataset('iris');
  const x = new my.scalers.StandardScaler().fitTransform(d.x);
  my.setSeed(11);
  const model = my.sequential([
    my.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }),
    my.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, d.y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
  return { model, x };
}

const values = (t: my.Tensor): number[] => Array.from(t.dataSync());

describe('artifacts in memory', () => {
  it('toArtifacts -> loadModel predicts the same and holds the same bytes as a saved folder', async () => {
    const { model, x } = await trained();
    const a = model.toArtifacts();
    expect(a.weights).toBeInstanceOf(Uint8Array);
    expect(a.optimizer).toBeInstanceOf(Uint8Array);
    expect(a.modelJson.weights).toEqual(model.weights.map((w) => w.name));
    const again = await my.loadModel(a);
    expect(values(again.predict(x))).toEqual(values(model.predict(x)));
    const dir = path.join(tmpDir(), 'm');
    await model.save(dir);
    expect(new Uint8Array(fs.readFileSync(path.join(dir, 'weights.safetensors')))).toEqual(a.weights);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(a.modelJson)));
  });

  it('save(my.io.memory()) fills the destination; training resumes identically from it', async () => {
    const { model, x } = await trained();
    const m = my.io.memory();
    await model.save(m);
    const again = await my.loadModel(m.artifacts!);
    const y = my.data.loadDataset('iris').y;
    await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    await again.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    expect(values(again.predict(x))).toEqual(values(model.predict(x)));
  });

  it('rejects bad artifacts with a typed error naming the part', async () => {
    const { model } = await trained();
    const a = model.toArtifacts();
    expect(() => my.loadModelSync({ ...a, weights: a.weights.subarray(0, 20) })).toThrow(/artifacts\.weights/);
    expect(() => my.loadModelSync({ ...a, weights: 'x' as unknown as Uint8Array })).toThrow(ModelFormatError);
    expect(() => my.loadModelSync({ ...a, optimizer: undefined })).toThrow(/artifacts\.optimizer must be a Uint8Array/);
    expect(() => my.loadModelSync({ ...a, modelJson: { ...a.modelJson, weights: ['dense_9/kernel'] } })).toThrow(ModelFormatError);
    expect(() => my.loadModelSync(42 as never)).toThrow(ValueError);
    await expect(my.loadModel({ ...a, weights: a.weights.subarray(0, 20) })).rejects.toThrow(ModelFormatError);
  });
});

describe('weights files', () => {
  it('round trip, and Python (NumPy) reads the documented names, shapes and values', async () => {
    const { model, x } = await trained();
    const file = path.join(tmpDir(), 'w.safetensors');
    model.saveWeights(file);
    const py = `
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
out = {'__metadata__': header.pop('__metadata__', None)}
for name, e in header.items():
    b, end = e['data_offsets']
    a = np.frombuffer(raw[8 + n + b:8 + n + end], dtype='<f4').reshape(e['shape'])
    out[name] = {'dtype': e['dtype'], 'shape': list(a.shape), 'sum': float(a.astype(np.float64).sum()), 'first': float(a.flat[0])}
print(json.dumps(out))
`;
    const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
    expect(read.__metadata__).toEqual({ format: 'myelin-weights' });
    for (const w of model.weights) {
      const v = values(w);
      expect(read[w.name]).toEqual({ dtype: 'F32', shape: w.shape, sum: expect.closeTo(v.reduce((s, t) => s + t, 0), 4), first: v[0] });
    }
    expect(Object.keys(read).filter((k) => k !== '__metadata__').sort()).toEqual(model.weights.map((w) => w.name).sort());
    expect(model.weights.map((w) => w.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^dense_\d+\/kernel$/), expect.stringMatching(/^dense_\d+\/bias$/)]));

    my.setSeed(99);
    const fresh = my.sequential([
      my.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }),
      my.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    const renamed = model.weights.map((w) => w.name);
    // Same architecture, other layer names: rename the file's tensors to the fresh model's names.
    const st = my.io.readSafetensors(file);
    my.io.writeSafetensors(file, fresh.weights.map((w, i) => ({ name: w.name, data: st.tensors.get(renamed[i])!.data, shape: w.shape.slice() })));
    fresh.loadWeights(file);
    expect(values(fresh.predict(x))).toEqual(values(model.predict(x)));
  });

  it('names a missing, extra or mis-shaped tensor and leaves the model unchanged', async () => {
    const { model, x } = await trained();
    const before = values(model.predict(x));
    const file = path.join(tmpDir(), 'bad.safetensors');
    const ws = model.weights;
    const entry = (i: number, shape = ws[i].shape.slice()) => ({ name: ws[i].name, data: new Float32Array(shape.reduce((p, d) => p * d, 1)), shape });
    my.io.writeSafetensors(file, [entry(0), entry(1), entry(2)]);
    expect(() => model.loadWeights(file)).toThrow(new RegExp(`missing tensor ${ws[3].name}`));
    my.io.writeSafetensors(file, [entry(0), entry(1), entry(2), entry(3), { name: 'extra/w', data: new Float32Array(1), shape: [1] }]);
    expect(() => model.loadWeights(file)).toThrow(/tensors the model does not have: extra\/w/);
    my.io.writeSafetensors(file, [entry(0, [6, 4]), entry(1), entry(2), entry(3)]);
    expect(() => model.loadWeights(file)).toThrow(new RegExp(`${ws[0].name} has shape \\[6, 4\\], the model needs \\[4, 6\\]`));
    expect(values(model.predict(x))).toEqual(before);
  });
});
