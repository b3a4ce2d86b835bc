/**
 * Recorded-step replay (lib/models/step-program.ts): a fit that replays its steps, compiled by the backend
 * (a native program on cpu) or call by call, and one whose full-size batches run as backend-run steps
 * (lib/models/native-steps.ts, cpu), end with exactly the weights and losses of a fit that runs every step
 * through the ops, and steps that differ from batch to batch are never replayed. Dropout draws its masks on the
 * backend (Philox, the counter in a state buffer), so a dropout step replays too and draws a fresh mask each time.
 */
import * as my from '../../lib/index';
import * as recorder from '../../lib/backend/recorder';
import { difference, record } from '../../lib/backend/recorder';
import type { Backend } from '../../lib/backend/backend';
import { describeEachBackend } from '../helpers/backends';
import { Drifting } from '../helpers/drifting-layer';

async function trainTwice(build: () => my.Sequential, fitOptions: Record<string, unknown>, compile: () => Parameters<my.Sequential['compile']>[0]) {
  const x = my.randomNormal([100, 3], { seed: 11 });
  const labels = Float32Array.from(x.dataSync().filter((_, i) => i % 3 === 0), (v) => (v > 0 ? 1 : 0));
  const y = my.tensor(labels, [100, 1]);
  const results: { weights: Float32Array[]; loss: number[] }[] = [];
  // Backend-run steps and compiled replay (the default), compiled replay only, replay call by call, no replay.
  for (const [replay, compiled, native] of [['1', '1', '1'], ['1', '1', '0'], ['1', '0', '0'], ['0', '0', '0']]) {
    process.env.MYELIN_STEP_REPLAY = replay;
    process.env.MYELIN_STEP_COMPILE = compiled;
    process.env.MYELIN_NATIVE_STEPS = native;
    my.setSeed(5);
    const model = build();
    model.compile(compile());
    const history = await model.fit(x, y, { epochs: 4, batchSize: 16, seed: 3, verbose: 0, ...fitOptions });
    results.push({ weights: model.getWeights().map((w) => w.dataSync()), loss: history.history.loss as number[] });
  }
  delete process.env.MYELIN_STEP_REPLAY;
  delete process.env.MYELIN_STEP_COMPILE;
  delete process.env.MYELIN_NATIVE_STEPS;
  return results;
}

/**
 * Trains a 3-6-1 network with backend-run steps and without replay (trainTwice); expects the same losses and
 * weights, and on cpu at least one call of the backend's `method`.
 */
async function expectBackendRunEqualsPlain(method: 'runTrainingSteps' | 'runTrainingEpochs', fitOptions: Record<string, unknown>, optimizer: () => my.optimizers.Optimizer) {
  const backend = my.tensor([0]).backend as Backend & Record<string, unknown>;
  // Off the JS thread (cpu) fit calls the async form of the method.
  const methods = [method, `${method}Async`];
  const originals = methods.map((m) => backend[m] as ((...args: unknown[]) => unknown) | undefined);
  let calls = 0;
  methods.forEach((m, i) => {
    const original = originals[i];
    if (original) backend[m] = (...args: unknown[]) => { calls++; return original.apply(backend, args); };
  });
  try {
    const [nativeSteps, , , plain] = await trainTwice(() => my.sequential([
      my.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]), fitOptions, () => ({ optimizer: optimizer(), loss: 'binaryCrossentropy' }));
    expect(nativeSteps.loss).toEqual(plain.loss);
    nativeSteps.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(plain.weights[i])));
    if (backend.name === 'cpu') expect(calls).toBeGreaterThan(0);
  } finally {
    methods.forEach((m, i) => { if (originals[i]) backend[m] = originals[i]; });
  }
}

describeEachBackend('step replay', () => {
  test('replayed fit equals the ordinary fit bit for bit (weights and losses)', async () => {
    const [nativeSteps, compiled, replayed, plain] = await trainTwice(() => my.sequential([
      my.layers.dense({ units: 8, activation: 'tanh', inputShape: [3], kernelRegularizer: my.regularizers.l2(1e-3) }),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]), {}, () => ({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] }));
    for (const run of [nativeSteps, compiled, replayed]) {
      expect(run.loss).toEqual(plain.loss);
      run.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(plain.weights[i])));
    }
  });

  /**
   * Runs `fit` with backend-run steps off and counts the replayed steps (compiled runs and call-by-call replays).
   * A replay inside compileCalls (cuda captures the calls into a graph while they replay) runs no step: the
   * graph's launch does, and is counted as a compiled run.
   */
  async function countReplays(model: my.Sequential): Promise<number> {
    process.env.MYELIN_NATIVE_STEPS = '0';  // counted one by one here; backend-run steps are tested below
    const spy = jest.spyOn(recorder, 'replay');
    const backend = my.tensor([0]).backend;
    let compiledRuns = 0;
    let captureReplays = 0;
    const run = backend.runCompiled;
    const compile = backend.compileCalls;
    if (run) backend.runCompiled = (p: unknown) => { compiledRuns++; run.call(backend, p); };
    if (compile) backend.compileCalls = (calls, replayAll) => compile.call(backend, calls, () => { captureReplays++; replayAll(); });
    try {
      // 40 samples in batches of 16: shapes 16, 16, 8 per epoch; 3 epochs = 6 steps of 16 and 3 of 8.
      await model.fit(my.randomNormal([40, 2], { seed: 1 }), my.randomNormal([40, 1], { seed: 2 }), { epochs: 3, batchSize: 16, verbose: 0 });
      // The cpu backend compiles the recorded steps into native programs; reference replays call by call.
      if (backend.name === 'cpu') expect(spy).not.toHaveBeenCalled();
      return compiledRuns + spy.mock.calls.length - captureReplays;
    } finally {
      if (run) backend.runCompiled = run;
      if (compile) backend.compileCalls = compile;
      spy.mockRestore();
      delete process.env.MYELIN_NATIVE_STEPS;
    }
  }

  test('built-in layers and losses: every step after the first of its batch shape is replayed', async () => {
    const model = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    expect(await countReplays(model)).toBe((6 - 1) + (3 - 1));
  });

  test('a user loss or a subclassed layer: steps are replayed only after two recordings agree', async () => {
    const withUserLoss = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
    withUserLoss.compile({ optimizer: 'adam', loss: (t: my.Tensor, p: my.Tensor) => my.mean(my.square(my.sub(t, p)), -1) });
    expect(await countReplays(withUserLoss)).toBe((6 - 2) + (3 - 2));
    class MyDense extends my.layers.Dense {}
    const subclassed = my.sequential([new MyDense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
    subclassed.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    expect(await countReplays(subclassed)).toBe((6 - 2) + (3 - 2));
  });

  test('layers say whether their step is repeatable: built-in deterministic ones with built-in penalties only', () => {
    const custom = { className: 'Custom', penalty: (w: my.Tensor) => my.sum(w), getConfig: () => ({}) };
    const built = (l: my.layers.Layer) => { l.build([3]); return l.repeatableStep(); };
    expect(built(my.layers.dense({ units: 2, kernelRegularizer: my.regularizers.l2(0.1), activityRegularizer: 'l1' }))).toBe(true);
    expect(built(my.layers.dense({ units: 2, kernelRegularizer: custom }))).toBe(false);
    expect(built(my.layers.dense({ units: 2, activityRegularizer: custom }))).toBe(false);
    expect(built(my.layers.activation({ activation: 'relu' }))).toBe(true);
    expect(built(my.layers.flatten())).toBe(true);
    expect(built(my.layers.batchNormalization())).toBe(true);
    expect(built(my.layers.dropout({ rate: 0.5 }))).toBe(true);
  });

  test('a custom layer whose step changes with JavaScript state is never replayed and trains as without replay', async () => {
    const runs = await trainTwice(() => my.sequential([
      my.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }),
      new Drifting(),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]), {}, () => ({ optimizer: 'adam', loss: 'binaryCrossentropy' }));
    for (const run of runs) expect(run.loss).toEqual(runs[3].loss);
  });

  test('with sgd, momentum, adamw, adagrad, rmsprop and a schedule, backend-run steps give exactly the step-by-step results', async () => {
    const optimizers = [
      () => my.optimizers.sgd({ learningRate: 0.05 }),
      () => my.optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      () => my.optimizers.adamw({ learningRate: 0.01, weightDecay: 0.01 }),
      () => my.optimizers.adagrad({ learningRate: 0.05 }),
      () => my.optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }),
      // A schedule: every backend-run step gets its own learning rate.
      () => my.optimizers.adam({ learningRate: my.optimizers.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.7 }) }),
    ];
    // An epoch callback keeps the epochs one by one (no whole-epoch runs): every epoch's batches run as backend-run steps.
    const epochByEpoch = { epochs: 5, callbacks: [{ onEpochEnd: () => {} }] };
    for (const optimizer of optimizers) await expectBackendRunEqualsPlain('runTrainingSteps', epochByEpoch, optimizer);
  });

  test('whole epochs in one backend call give exactly the epoch-by-epoch results (shuffled or not, with or without a last smaller batch)', async () => {
    const cases: Record<string, unknown>[] = [
      { epochs: 6 },                                     // 100 rows in batches of 16: 6 full and one of 4
      { epochs: 5, batchSize: 20 },                      // 5 full batches
      { epochs: 4, batchSize: 128 },                     // one batch of all rows
      { epochs: 5, shuffle: false },
    ];
    const schedule = () => my.optimizers.adam({ learningRate: my.optimizers.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 4, decayRate: 0.8 }) });
    for (const fitOptions of cases) await expectBackendRunEqualsPlain('runTrainingEpochs', fitOptions, schedule);
  });

  test('on the JS thread, an epoch longer than yieldEveryMs is not run whole (its batches go in timed runs)', async () => {
    process.env.MYELIN_OFF_THREAD = '0';  // off the thread, whole epochs run in a worker whatever their length
    const backend = my.tensor([0]).backend;
    let epochCalls = 0;
    const runEpochs = backend.runTrainingEpochs;
    if (runEpochs) backend.runTrainingEpochs = (plan) => { epochCalls++; runEpochs.call(backend, plan); };
    try {
      const model = my.sequential([my.layers.dense({ units: 3, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.fit(my.randomNormal([64, 2], { seed: 1 }), my.randomNormal([64, 1], { seed: 2 }), { epochs: 4, batchSize: 8, verbose: 0, yieldEveryMs: 0 });
      expect(epochCalls).toBe(0);
    } finally {
      delete process.env.MYELIN_OFF_THREAD;
      if (runEpochs) backend.runTrainingEpochs = runEpochs;
    }
  });

  test('the generator that shuffles goes on from where whole-epoch runs left it', async () => {
    // Two fits sharing the global generator: the second one's order depends on the first one's draws.
    const x = my.randomNormal([50, 2], { seed: 4 });
    const y = my.randomNormal([50, 1], { seed: 5 });
    const losses: number[][] = [];
    for (const native of ['1', '0']) {
      process.env.MYELIN_NATIVE_STEPS = native;
      my.setSeed(21);
      const model = my.sequential([my.layers.dense({ units: 3, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
      const second = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      losses.push(second.history.loss as number[]);
    }
    delete process.env.MYELIN_NATIVE_STEPS;
    expect(losses[0]).toEqual(losses[1]);
  });

  test('a model with batch normalization (moving statistics updated in the step) replays exactly, after one recording', async () => {
    const [nativeSteps, compiled, replayed, plain] = await trainTwice(() => my.sequential([
      my.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }),
      my.layers.batchNormalization(),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]), {}, () => ({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' }));
    for (const run of [nativeSteps, compiled, replayed]) {
      expect(run.loss).toEqual(plain.loss);
      run.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(plain.weights[i])));
    }
  });

  test('a model with dropout replays (backend-run steps, compiled, call by call) bit for bit as without replay', async () => {
    const dropoutModel = () => my.sequential([
      my.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }),
      my.layers.dropout({ rate: 0.5, seed: 9 }),
      my.layers.dense({ units: 8, activation: 'relu' }),
      my.layers.dropout({ rate: 0.2 }),
      my.layers.dense({ units: 1, activation: 'sigmoid' }),
    ]);
    const [nativeSteps, compiled, replayed, plain] = await trainTwice(dropoutModel, {},
      () => ({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' }));
    for (const run of [nativeSteps, compiled, replayed]) {
      expect(run.loss).toEqual(plain.loss);
      run.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(plain.weights[i])));
    }
    // Whole epochs at once too (no callbacks, no validation: runTrainingEpochs on cpu).
    const [epochs, , , plainEpochs] = await trainTwice(dropoutModel, { epochs: 20 }, () => ({ optimizer: 'sgd', loss: 'binaryCrossentropy' }));
    expect(epochs.loss).toEqual(plainEpochs.loss);
    epochs.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(plainEpochs.weights[i])));
    // And the steps are replayed after one recording per batch shape.
    const model = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dropout({ rate: 0.3, seed: 1 }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    expect(await countReplays(model)).toBe((6 - 1) + (3 - 1));
  });

  test('the recorder tells two steps apart when their uploads differ, and agrees on identical steps', () => {
    const backend = my.tensor([0]).backend;
    const a = record(backend, () => my.tidy(() => { my.add(my.tensor([1, 2]), 1); }));
    const b = record(backend, () => my.tidy(() => { my.add(my.tensor([1, 3]), 1); }));
    const c = record(backend, () => my.tidy(() => { my.add(my.tensor([1, 2]), 1); }));
    expect(difference(a.recording, b.recording)).toMatch(/upload 0 differs/);
    expect(difference(a.recording, c.recording)).toBeNull();
    const d = record(backend, () => my.tidy(() => { my.tensor([1]).dataSync(); }));
    expect(difference(d.recording, d.recording)).toMatch(/reads values back/);
  });

  test('no tensors leak across fits that replay', async () => {
    const model = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = my.randomNormal([64, 2], { seed: 1 });
    const y = my.randomNormal([64, 1], { seed: 2 });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const before = my.memory().numTensors;
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    // At most as many: the earlier tests' models and data are left to the garbage collector, whose finalizers
    // may release some of them during this fit (seen on the slow cuda emulator); a leak would add tensors.
    expect(my.memory().numTensors).toBeLessThanOrEqual(before);
  });
});
