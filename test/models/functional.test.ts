/**
 * The functional API: `my.input`, `layer.apply` on symbolic tensors, `my.model` with several inputs and outputs,
 * per-output losses, loss weights and metrics, data as arrays or objects keyed by name, shared layers, nested
 * models, the fast training paths, and the typed errors of bad graphs and bad data.
 */
import * as my from '../../lib/index';

function breastCancer(): { mean: my.Tensor; worst: my.Tensor; radiusSe: my.Tensor; label: my.Tensor; n: number } {
  const ds = my.data.loadDataset('breast_cancer');
  const scaled = my.scalers.standardScaler().fitTransform(ds.x);
  const v = scaled.dataSync();
  const n = ds.x.shape[0];
  const cols = (from: number, count: number): my.Tensor => {
    const out = new Float32Array(n * count);
    for (let i = 0; i < n; i++) for (let j = 0; j < count; j++) out[i * count + j] = v[i * 30 + from + j];
    return my.tensor(out, [n, count]);
  };
  scaled.dispose();
  return { mean: cols(0, 10), worst: cols(20, 10), radiusSe: cols(10, 1), label: ds.y, n };
}

function twoBranchModel(seed: number): my.Model {
  my.setSeed(seed);
  const mean = my.input({ shape: [10], name: 'mean' });
  const worst = my.input({ shape: [10], name: 'worst' });
  const a = my.layers.dense({ units: 16, activation: 'relu' }).apply(mean);
  const b = my.layers.dense({ units: 16, activation: 'relu' }).apply(worst);
  const h = my.layers.dense({ units: 32, activation: 'relu' }).apply(my.layers.concatenate().apply([a, b]));
  const diagnosis = my.layers.dense({ units: 1, activation: 'sigmoid', name: 'diagnosis' }).apply(h);
  const radius = my.layers.dense({ units: 1, name: 'radius_se' }).apply(h);
  return my.model({ inputs: [mean, worst], outputs: [diagnosis, radius] });
}

describe('two inputs, two outputs on breast_cancer', () => {
  test('learns the diagnosis (test accuracy >= 0.93) and the radius error, with per-output losses and metrics', async () => {
    const d = breastCancer();
    const order = new my.Random(0).permutation(d.n);
    const nTest = 114;
    const rows = (t: my.Tensor, idx: Int32Array) => my.gather(t, idx, 0);
    const test = order.subarray(0, nTest);
    const train = order.subarray(nTest);
    const model = twoBranchModel(1);
    model.compile({
      optimizer: 'adam',
      loss: { diagnosis: 'binaryCrossentropy', radius_se: 'meanSquaredError' },
      lossWeights: { diagnosis: 1, radius_se: 0.5 },
      metrics: { diagnosis: ['accuracy'] },
    });
    const history = await model.fit({ mean: rows(d.mean, train), worst: rows(d.worst, train) },
      { diagnosis: rows(d.label, train), radius_se: rows(d.radiusSe, train) }, { epochs: 40, batchSize: 32, verbose: 0, seed: 2 });
    expect(Object.keys(history.history).sort()).toEqual(['diagnosis_accuracy', 'loss']);
    expect(history.params.strategy).toBe('compiled-replay');  // metrics need every batch in JavaScript
    const last = history.history.loss[39];
    expect(last).toBeLessThan(history.history.loss[0] * 0.5);
    const [loss, acc] = model.evaluate([rows(d.mean, test), rows(d.worst, test)], [rows(d.label, test), rows(d.radiusSe, test)]) as number[];
    expect(acc).toBeGreaterThanOrEqual(0.93);
    expect(loss).toBeLessThan(0.5);
    const [p, r] = model.predict({ mean: rows(d.mean, test), worst: rows(d.worst, test) }) as my.Tensor[];
    expect(p.shape).toEqual([nTest, 1]);
    expect(r.shape).toEqual([nTest, 1]);
    // The regression head explains most of the variance of the (standardized) radius error.
    const truth = rows(d.radiusSe, test).dataSync();
    const pred = r.dataSync();
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < nTest; i++) { sse += (pred[i] - truth[i]) ** 2; sst += truth[i] ** 2; }
    expect(1 - sse / sst).toBeGreaterThan(0.5);
    // predictAsync and evaluateAsync agree with predict and evaluate.
    const [pa] = await model.predictAsync([rows(d.mean, test), rows(d.worst, test)]) as my.Tensor[];
    expect(Array.from(pa.dataSync())).toEqual(Array.from(p.dataSync()));
    const ea = await model.evaluateAsync([rows(d.mean, test), rows(d.worst, test)], { diagnosis: rows(d.label, test), radius_se: rows(d.radiusSe, test) }) as number[];
    expect(ea[0]).toBeCloseTo(loss, 5);
    expect(ea[1]).toBe(acc);
  }, 120_000);

  test('without metrics or callbacks a two-input model trains by native epochs', async () => {
    const d = breastCancer();
    const model = twoBranchModel(3);
    model.compile({ optimizer: 'adam', loss: ['binaryCrossentropy', 'meanSquaredError'] });
    const history = await model.fit([d.mean, d.worst], [d.label, d.radiusSe], { epochs: 3, verbose: 0 });
    expect(history.params.strategy).toBe(my.backendInfo().backend === 'reference' ? 'replay' : 'native-epochs');
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
  });
});

describe('the packed inputs and targets of a graph model replay exactly', () => {
  test('native epochs, compiled replay and the plain tape give the same weights bit for bit', async () => {
    const d = breastCancer();
    const runs: number[][][] = [];
    for (const env of [{}, { MYELIN_NATIVE_STEPS: '0' }, { MYELIN_STEP_REPLAY: '0' }] as Record<string, string>[]) {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        const model = twoBranchModel(5);
        model.compile({ optimizer: 'adam', loss: { diagnosis: 'binaryCrossentropy', radius_se: 'meanSquaredError' }, lossWeights: [1, 0.3] });
        const h = await model.fit({ worst: d.worst, mean: d.mean }, [d.label, d.radiusSe], { epochs: 2, batchSize: 50, verbose: 0, seed: 4 });
        if (my.backendInfo().backend !== 'reference') expect(h.params.strategy).toBe(env.MYELIN_STEP_REPLAY ? 'tape' : env.MYELIN_NATIVE_STEPS ? 'compiled-replay' : 'native-epochs');
        runs.push(model.getWeights().map((w) => Array.from(w.dataSync())));
      } finally {
        process.env = saved;
      }
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

describe('validation, off-thread inference and frozen nested models', () => {
  test('validationData keyed by name and validationSplit of packed data log val_ metrics', async () => {
    const d = breastCancer();
    const model = twoBranchModel(6);
    model.compile({ optimizer: 'adam', loss: ['binaryCrossentropy', 'mse'], metrics: ['mae'] });
    const h1 = await model.fit([d.mean, d.worst], [d.label, d.radiusSe], { epochs: 2, verbose: 0, validationData: [{ mean: d.mean, worst: d.worst }, { diagnosis: d.label, radius_se: d.radiusSe }] });
    expect(Object.keys(h1.history).sort()).toEqual(['diagnosis_mae', 'loss', 'radius_se_mae', 'val_diagnosis_mae', 'val_loss', 'val_radius_se_mae']);
    const h2 = await model.fit([d.mean, d.worst], [d.label, d.radiusSe], { epochs: 1, verbose: 0, validationSplit: 0.25 });
    expect(h2.params.samples).toBe(Math.floor(d.n * (1 - 0.25))); // Keras 3: floor(n (1 - split)) train rows
    expect(Number.isFinite(h2.history.val_loss[0])).toBe(true);
  });

  test('predictAsync and evaluateAsync of a two-output model off the JavaScript thread equal predict and evaluate', async () => {
    const d = breastCancer();
    const model = twoBranchModel(8);
    model.compile({ optimizer: 'adam', loss: { diagnosis: 'binaryCrossentropy', radius_se: 'mse' }, metrics: { diagnosis: 'accuracy', radius_se: 'mae' } });
    const saved = process.env.MYELIN_OFF_THREAD;
    process.env.MYELIN_OFF_THREAD = 'always';
    try {
      const x = { mean: d.mean, worst: d.worst };
      const y = [d.label, d.radiusSe];
      const sync = (model.predict(x, { batchSize: 64 }) as my.Tensor[]).map((t) => Array.from(t.dataSync()));
      const async_ = (await model.predictAsync(x, { batchSize: 64 }) as my.Tensor[]).map((t) => Array.from(t.dataSync()));
      expect(async_).toEqual(sync);
      expect(await model.evaluateAsync(x, y, { batchSize: 64 })).toEqual(model.evaluate(x, y, { batchSize: 64 }));
    } finally {
      if (saved === undefined) delete process.env.MYELIN_OFF_THREAD; else process.env.MYELIN_OFF_THREAD = saved;
    }
  });

  test('a nested model frozen with trainable = false keeps its weights while the outer model trains', async () => {
    my.setSeed(9);
    const ei = my.input({ shape: [10] });
    const encoder = my.model({ inputs: ei, outputs: my.layers.dense({ units: 4, activation: 'relu' }).apply(ei), name: 'frozen_encoder' });
    const x = my.input({ shape: [10] });
    const out = my.layers.dense({ units: 1, activation: 'sigmoid' }).apply(encoder.apply(x) as my.SymbolicTensor);
    const model = my.model({ inputs: x, outputs: out });
    model.getLayer('frozen_encoder').trainable = false;
    expect(model.trainableWeights.length).toBe(2);
    const before = encoder.getWeights().map((w) => Array.from(w.dataSync()));
    const d = breastCancer();
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await model.fit(d.mean, d.label, { epochs: 2, verbose: 0 });
    expect(encoder.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });
});
