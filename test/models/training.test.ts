/** Sequential training semantics: fused softmax cross-entropy, losses with penalties, splits, batching, memory, event loop. */
import * as my from '../../lib/index';
import { batchLoss } from '../../lib/models/step';

function blobs(n: number, seed: number): { x: number[][]; labels: number[]; oneHot: number[][] } {
  const rng = new my.Random(seed);
  const x: number[][] = [];
  const labels: number[] = [];
  const oneHot: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push([c + rng.normal() * 0.3, (c === 1 ? 1 : -1) + rng.normal() * 0.3, rng.normal()]);
    labels.push(c);
    oneHot.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return { x, labels, oneHot };
}

function classifier(seed: number): my.Sequential {
  my.setSeed(seed);
  return my.sequential([
    my.layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }),
    my.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
}

type Compiled = ReturnType<my.Sequential['requireCompiled']>;

/** The loss on logits (`compiled`) and the composed path (`composed`) agree in value and in every gradient. */
function expectSameLossAndGradients(model: my.Sequential, compiled: Compiled, composed: Compiled, x: my.Tensor, y: my.Tensor): void {
  const vars = model.trainableWeights;
  const fused = my.valueAndGrads(() => batchLoss(model, compiled, x, y, null, true).total, vars);
  const plain = my.valueAndGrads(() => batchLoss(model, composed, x, y, null, true).total, vars);
  expect(fused.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0], 5);
  fused.grads.forEach((g, i) => {
    const a = g.dataSync();
    const b = plain.grads[i].dataSync();
    a.forEach((v, j) => expect(Math.abs(v - b[j])).toBeLessThan(1e-5));
  });
}

describe('fused softmax cross-entropy', () => {
  test.each(['categoricalCrossentropy', 'sparseCategoricalCrossentropy'])('%s: fused logits path equals softmax then loss (value and gradients)', (lossName) => {
    const model = classifier(5);
    model.compile({ optimizer: 'sgd', loss: lossName });
    const compiled = model.requireCompiled('test');
    expect(compiled.logitsLoss).not.toBeNull();
    const composed = { ...compiled, logitsLoss: null };
    const d = blobs(12, 1);
    const x = my.tensor(d.x);
    const y = lossName.startsWith('sparse') ? my.tensor(d.labels) : my.tensor(d.oneHot);
    expectSameLossAndGradients(model, compiled, composed, x, y);
  });

  test('sigmoid output + binaryCrossentropy: the logits path equals sigmoid then the clipped loss (value and gradients)', () => {
    my.setSeed(7);
    const model = my.sequential([
      my.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }),
      my.layers.dense({ units: 2, activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: 'sgd', loss: my.losses.binaryCrossentropy({ labelSmoothing: 0.1 }) });
    const compiled = model.requireCompiled('test');
    expect(compiled.logitsLoss).not.toBeNull();
    expect(compiled.outputActivation).toBe('sigmoid');
    const composed = { ...compiled, logitsLoss: null };
    const d = blobs(10, 4);
    const x = my.tensor(d.x);
    const y = my.tensor(d.labels.map((c) => [c === 1 ? 1 : 0, c === 2 ? 1 : 0]));
    expectSameLossAndGradients(model, compiled, composed, x, y);
  });

  test('not used with fromLogits losses or without a softmax output', () => {
    const m1 = classifier(1);
    m1.compile({ optimizer: 'sgd', loss: my.losses.categoricalCrossentropy({ fromLogits: true }) });
    expect(m1.requireCompiled('t').logitsLoss).toBeNull();
    const m2 = my.sequential([my.layers.dense({ units: 3, inputShape: [3] })]);
    m2.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(m2.requireCompiled('t').logitsLoss).toBeNull();
  });

  test('a 3-class softmax classifier trains to high accuracy with sparse labels', async () => {
    const model = classifier(2);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const d = blobs(150, 3);
    const h = await model.fit(d.x, d.labels, { epochs: 30, batchSize: 16, verbose: 0, seed: 1 });
    expect(h.history.accuracy[29]).toBeGreaterThan(0.95);
    const p = model.predict(d.x);
    expect(p.shape).toEqual([150, 3]);
    const sums = (p.arraySync() as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
  });
});

describe('losses, batching and splits', () => {
  test('reported loss includes regularization penalties (SGD with lr 0 keeps the weights fixed)', async () => {
    my.setSeed(4);
    const model = my.sequential([my.layers.dense({ units: 1, inputShape: [2], kernelRegularizer: my.regularizers.l2({ l2: 0.5 }), biasInitializer: my.initializers.constant({ value: 0.2 }) })]);
    model.compile({ optimizer: my.optimizers.sgd({ learningRate: 0 }), loss: 'mse' });
    const x = [[1, 2], [3, -1], [0.5, 0.5], [-2, 1]];
    const y = [1, 0, 2, -1];
    const h = await model.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0, shuffle: false });
    const [k] = model.getWeights();
    const kv = k.dataSync();
    const preds = x.map((r) => r[0] * kv[0] + r[1] * kv[1] + 0.2);
    // batch 1: rows 0-2, batch 2: row 3; epoch loss = (3 * loss1 + 1 * loss2) / 4, each with the penalty.
    const penalty = 0.5 * (kv[0] ** 2 + kv[1] ** 2);
    const mse = (rows: number[]) => rows.reduce((a, i) => a + (preds[i] - y[i]) ** 2, 0) / rows.length;
    const expected = (3 * (mse([0, 1, 2]) + penalty) + (mse([3]) + penalty)) / 4;
    expect(h.history.loss[0]).toBeCloseTo(expected, 5);
    expect(model.evaluate(x, y, { batchSize: 4 })).toBeCloseTo(mse([0, 1, 2, 3]) + penalty, 5);
  });

  test('full-batch gradient descent when batchSize >= n: one step per epoch', async () => {
    const model = classifier(3);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const d = blobs(20, 4);
    await model.fit(d.x, d.oneHot, { epochs: 5, batchSize: 1000, verbose: 0 });
    expect(model.optimizer?.iterations).toBe(5);
    await model.fit(d.x, d.oneHot, { epochs: 1, batchSize: 6, verbose: 0 });
    expect(model.optimizer?.iterations).toBe(9);
  });

  test('validationSplit takes the last rows before shuffling (Keras 3: floor(n (1 - split)) train rows)', async () => {
    const model = classifier(6);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const d = blobs(30, 5);
    const h = await model.fit(d.x, d.labels, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    expect(h.params.samples).toBe(22); // Python: math.floor(30 * (1.0 - 0.25)) = 22
    const [valLoss, valAcc] = model.evaluate(d.x.slice(22), d.labels.slice(22)) as number[];
    expect(h.history.val_loss[1]).toBeCloseTo(valLoss, 5);
    expect(h.history.val_accuracy[1]).toBeCloseTo(valAcc, 6);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.epoch).toEqual([0, 1]);
  });

  test('validationData, initialEpoch, sampleWeight and classWeight', async () => {
    const model = classifier(7);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const d = blobs(24, 6);
    const h = await model.fit(d.x, d.labels, { epochs: 3, initialEpoch: 1, validationData: [d.x, d.labels], verbose: 0 });
    expect(h.epoch).toEqual([1, 2]);
    expect(h.history.val_loss).toHaveLength(2);
    // Zero weight on every sample: the data loss is 0, so the reported loss is 0 and Adam sees zero gradients.
    const zero = classifier(8);
    zero.compile({ optimizer: my.optimizers.sgd({ learningRate: 1 }), loss: 'sparseCategoricalCrossentropy' });
    const before = zero.getWeights().map((w) => Array.from(w.dataSync()));
    const hz = await zero.fit(d.x, d.labels, { epochs: 1, sampleWeight: new Array(24).fill(0), verbose: 0 });
    expect(hz.history.loss[0]).toBe(0);
    expect(zero.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    // classWeight {0: 2} on class-0 rows equals sampleWeight 2 on those rows.
    const a = classifier(9);
    const b = classifier(9);
    for (const m of [a, b]) m.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy' });
    const ha = await a.fit(d.x, d.labels, { epochs: 1, classWeight: { 0: 2 }, shuffle: false, verbose: 0 });
    const hb = await b.fit(d.x, d.labels, { epochs: 1, sampleWeight: d.labels.map((l) => (l === 0 ? 2 : 1)), shuffle: false, verbose: 0 });
    expect(ha.history.loss[0]).toBeCloseTo(hb.history.loss[0], 6);
  });

  test('the same fit seed gives the same weights; evaluate returns a number without metrics', async () => {
    const run = async () => {
      const m = classifier(10);
      m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
      const d = blobs(40, 7);
      await m.fit(d.x, d.labels, { epochs: 2, batchSize: 7, seed: 42, verbose: 0 });
      return { w: m.getWeights().map((t) => Array.from(t.dataSync())), e: m.evaluate(d.x, d.labels) };
    };
    const r1 = await run();
    const r2 = await run();
    expect(r1.w).toEqual(r2.w);
    expect(typeof r1.e).toBe('number');
  });
});

describe('resources and concurrency', () => {
  test('memory().numTensors is the same after every epoch in steady state', async () => {
    const model = classifier(11);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const d = blobs(50, 8);
    const counts: number[] = [];
    await model.fit(d.x, d.labels, { epochs: 5, batchSize: 8, validationSplit: 0.2, verbose: 0, callbacks: [{ onEpochEnd: () => { counts.push(my.memory().numTensors); } }] });
    expect(counts.slice(1).every((c) => c === counts[1])).toBe(true);
    const after = my.memory().numTensors;
    model.evaluate(d.x, d.labels);
    model.predict(d.x).dispose();
    expect(my.memory().numTensors).toBe(after);
  });

  /**
   * Trains a 16-32-1 regression on 4000 rows with `train(model, x, y)` while a 5 ms timer runs; returns how often the
   * timer fired, the longest gap between its ticks (counting the fit's start and end), and the fit's duration.
   */
  async function timerDuringFit(train: (model: my.Sequential, x: my.Tensor, y: my.Tensor, start: number) => Promise<unknown>) {
    const model = my.sequential([my.layers.dense({ units: 32, activation: 'relu', inputShape: [16] }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = my.randomNormal([4000, 16], { seed: 1 });
    const y = my.randomNormal([4000, 1], { seed: 2 });
    const stamps: number[] = [];
    const timer = setInterval(() => { stamps.push(Date.now()); }, 5);
    const start = Date.now();
    await train(model, x, y, start);
    const end = Date.now();
    clearInterval(timer);
    const points = [start, ...stamps, end];
    return { ticks: stamps.length, maxGap: Math.max(...points.slice(1).map((t, i) => t - points[i])), elapsed: end - start };
  }

  test('fit yields to the event loop: a setInterval timer keeps firing during training', async () => {
    // Train for about 600 ms whatever the speed (a fast backend finishes 3 epochs in ~100 ms, too short
    // for the tick count below to mean anything).
    const { ticks, maxGap, elapsed } = await timerDuringFit((model, x, y, start) => {
      const longEnough = { onEpochEnd: () => { if (Date.now() - start >= 600) model.stopTraining = true; } };
      return model.fit(x, y, { epochs: 200, batchSize: 16, verbose: 0, callbacks: [longEnough] });
    });
    // A blocked loop would give no tick until the end (one gap as long as the whole fit). fit yields at least
    // every 10 ms; the bound leaves room for GC pauses and a loaded machine.
    expect(ticks).toBeGreaterThan(5);
    expect(maxGap).toBeLessThan(Math.max(250, elapsed / 4));
  });

  test('fit without callbacks (whole epochs per backend call) yields to the event loop too', async () => {
    const { ticks, maxGap, elapsed } = await timerDuringFit((model, x, y) => model.fit(x, y, { epochs: 300, batchSize: 16, verbose: 0 }));
    // Run whole, the 300 epochs (about 0.5 s here) would leave one gap as long as the fit.
    expect(ticks).toBeGreaterThan(5);
    expect(maxGap).toBeLessThan(Math.max(150, elapsed / 4));
  });

  test('a second fit while one runs throws ModelStateError; the first one finishes', async () => {
    const model = classifier(12);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const d = blobs(30, 9);
    const first = model.fit(d.x, d.labels, { epochs: 3, batchSize: 4, verbose: 0, yieldEveryMs: 0 });
    await expect(model.fit(d.x, d.labels, { verbose: 0 })).rejects.toThrow(my.ModelStateError);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(my.ModelStateError);
    const h = await first;
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(model.isTraining).toBe(false);
  });
});
