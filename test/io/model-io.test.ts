/** model.save / loadModel: exact predictions, training continuing identically, bad folders as ModelFormatError. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ModelFormatError, ValueError } from '../../lib/errors';

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-model-'));
  dirs.push(d);
  return d;
}
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

// A small 3-class problem from iris (scaled), so training moves the weights in a meaningful way.
function irisData(): { x: my.Tensor; y: my.Tensor } {
  const d = my.data.loadDataset('iris');
  return { x: new my.scalers.StandardScaler().fitTransform(d.x), y: d.y };
}

function makeModel(optimizer: unknown = my.optimizers.adam({ learningRate: 0.01 })): my.Sequential {
  my.setSeed(7);
  const model = my.sequential([
    my.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelRegularizer: my.regularizers.l2({ l2: 1e-3 }) }),
    my.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: optimizer as never, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const flat = (ts: my.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

describe('save / loadModel', () => {
  test.each(['adam', 'sgd', 'rmsprop', 'adagrad', 'adamw'])('%s: same predictions after load, and training continues identically', async (opt) => {
    const { x, y } = irisData();
    const a = makeModel(opt === 'adam' ? undefined : opt);
    await a.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
    const dir = tmpDir();
    a.save(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.safetensors', 'weights.safetensors']);
    const b = my.loadModel(dir);
    expect(b.getConfig()).toEqual(a.getConfig());
    expect(b.compileConfig).toEqual(a.compileConfig);
    expect(Array.from(b.predict(x).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));
    expect(b.optimizer!.iterations).toBe(a.optimizer!.iterations);
    await a.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    await b.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    expect(flat(b.getWeights())).toEqual(flat(a.getWeights()));
  });

  test('a learning-rate schedule, clipping and a configured loss are restored; training continues identically', async () => {
    const { x, y } = irisData();
    const schedule = my.optimizers.schedules.exponentialDecay({ initialLearningRate: 0.02, decaySteps: 5, decayRate: 0.5 });
    my.setSeed(5);
    const a = my.sequential([my.layers.dense({ units: 6, activation: 'tanh', inputShape: [4] }), my.layers.dense({ units: 3, activation: 'softmax' })]);
    a.compile({ optimizer: my.optimizers.adam({ learningRate: schedule, clipNorm: 0.5 }), loss: my.losses.categoricalCrossentropy({ labelSmoothing: 0.1 }) });
    const yOne = my.data.oneHot(y, 3);
    await a.fit(x, yOne, { epochs: 2, batchSize: 50, shuffle: false, verbose: 0 });
    const dir = tmpDir();
    a.save(dir);
    const b = my.loadModel(dir);
    expect(b.compileConfig).toEqual(a.compileConfig);
    expect(b.optimizer!.getLearningRate()).toBe(a.optimizer!.getLearningRate());
    await a.fit(x, yOne, { epochs: 2, batchSize: 50, shuffle: false, verbose: 0 });
    await b.fit(x, yOne, { epochs: 2, batchSize: 50, shuffle: false, verbose: 0 });
    expect(flat(b.getWeights())).toEqual(flat(a.getWeights()));
  });

  test('without the optimizer state the loaded model restarts its optimizer (and differs after training)', async () => {
    const { x, y } = irisData();
    const a = makeModel();
    await a.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const dir = tmpDir();
    a.save(dir, { includeOptimizer: false });
    expect(fs.existsSync(path.join(dir, 'optimizer.safetensors'))).toBe(false);
    const b = my.loadModel(dir);
    expect(b.optimizer!.iterations).toBe(0);
    await a.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    await b.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    expect(flat(b.getWeights())).not.toEqual(flat(a.getWeights()));
  });

  test('an uncompiled model round-trips; compile: false skips the compile config', () => {
    my.setSeed(3);
    const m = my.sequential([my.layers.dense({ units: 2, inputShape: [3] })]);
    const dir = tmpDir();
    m.save(dir);
    const back = my.loadModel(dir);
    expect(back.compileConfig).toBeNull();
    expect(flat(back.getWeights())).toEqual(flat(m.getWeights()));
    const a = makeModel();
    const dir2 = tmpDir();
    a.save(dir2);
    expect(my.loadModel(dir2, { compile: false }).compileConfig).toBeNull();
  });

  test('batch normalization and dropout: moving statistics are saved; saving from a callback during fit works', async () => {
    const { x, y } = irisData();
    my.setSeed(11);
    const a = my.sequential([
      my.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
      my.layers.batchNormalization(),
      my.layers.dropout({ rate: 0.2 }),
      my.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    a.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const dir = tmpDir();
    let savedAtEpoch = -1;
    await a.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, seed: 1, callbacks: [{ onEpochEnd: (epoch: number) => { a.save(dir); savedAtEpoch = epoch; } }] });
    expect(savedAtEpoch).toBe(1);
    const b = my.loadModel(dir);
    expect(b.weights.length).toBe(a.weights.length);
    expect(flat(b.getWeights())).toEqual(flat(a.getWeights()));
    expect(Array.from(b.predict(x).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));
  });

  test('save refuses an unbuilt model and bad arguments', () => {
    const m = my.sequential([my.layers.dense({ units: 2 })]);
    expect(() => m.save(tmpDir())).toThrow(/not built/);
    expect(() => makeModel().save('' as never)).toThrow(ValueError);
    expect(() => my.loadModel('')).toThrow(ValueError);
  });

  describe('bad folders are ModelFormatError', () => {
    let good: string;
    beforeAll(async () => {
      good = tmpDir();
      const m = makeModel();
      const { x, y } = irisData();
      await m.fit(x, y, { epochs: 1, verbose: 0 });
      m.save(good);
    });
    function variant(edit: (dir: string, doc: Record<string, any>) => Record<string, any> | string | void): string {
      const d = tmpDir();
      for (const f of fs.readdirSync(good)) fs.copyFileSync(path.join(good, f), path.join(d, f));
      const doc = JSON.parse(fs.readFileSync(path.join(d, 'model.json'), 'utf8'));
      const out = edit(d, doc);
      fs.writeFileSync(path.join(d, 'model.json'), typeof out === 'string' ? out : JSON.stringify(out ?? doc));
      return d;
    }
    const cases: [string, (dir: string, doc: Record<string, any>) => Record<string, any> | string | void, RegExp][] = [
      ['missing folder', (d) => { fs.rmSync(d, { recursive: true }); fs.mkdirSync(d); return '{'; }, /not valid JSON/],
      ['model.json not JSON', () => 'not json', /not valid JSON/],
      ['another format', (_d, doc) => { doc.format = 'keras'; }, /format must be/],
      ['a newer version', (_d, doc) => { doc.formatVersion = 99; }, /newer than this myelin/],
      ['version not an integer', (_d, doc) => { doc.formatVersion = 1.5; }, /formatVersion/],
      ['unknown top-level key', (_d, doc) => { doc.weightsPath = '/etc/passwd'; }, /unknown keys weightsPath/],
      ['unknown layer class', (_d, doc) => { doc.architecture.layers[0].className = 'Evil'; }, /cannot be rebuilt/],
      ['layers not an array', (_d, doc) => { doc.architecture.layers = {}; }, /layers must be/],
      ['bad inputShape', (_d, doc) => { doc.architecture.inputShape = [-4]; }, /inputShape/],
      ['weights list differs from the architecture', (_d, doc) => { doc.weights = ['a', 'b']; }, /the file lists/],
      ['weight shape differs', (_d, doc) => { doc.architecture.layers[0].config.units = 9; }, /shape/],
      ['truncated weights file', (d) => { const f = path.join(d, 'weights.safetensors'); fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100)); }, /weights.safetensors/],
      ['missing weights file', (d) => { fs.rmSync(path.join(d, 'weights.safetensors')); }, /cannot read/],
      ['unknown loss', (_d, doc) => { doc.compileConfig.loss = 'noSuchLoss'; }, /compileConfig cannot be restored/],
      ['optimizer state of another optimizer', (_d, doc) => { doc.compileConfig.optimizer = { className: 'SGD', config: {} }; }, /optimizer state does not fit/],
      ['hasOptimizerState not a boolean', (_d, doc) => { doc.hasOptimizerState = 'yes'; }, /hasOptimizerState/],
    ];
    test.each(cases)('%s', (_name, edit, message) => {
      const d = variant(edit);
      expect(() => my.loadModel(d)).toThrow(ModelFormatError);
      expect(() => my.loadModel(d)).toThrow(message);
    });
    test('a model.json that does not exist', () => {
      expect(() => my.loadModel(path.join(good, 'nope'))).toThrow(/cannot read/);
    });
  });
});
