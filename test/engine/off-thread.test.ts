/**
 * The engine's off-thread work (lib/engine, lib/models/inference-async.ts): fit, predictAsync and evaluateAsync
 * give exactly the results of the JS-thread paths, leave the event loop its turns, and stop on an AbortSignal,
 * on `stopTraining` and on `dispose` within one step, leaving the model usable and nothing leaked.
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';

function data(n: number, seed: number): { x: my.Tensor; y: my.Tensor } {
  const x = my.randomNormal([n, 6], { seed });
  const xs = x.dataSync();
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (xs[i * 6] + xs[i * 6 + 1] > 0 ? 1 : 0) + (xs[i * 6 + 2] > 0.5 ? 1 : 0);
  return { x, y: my.tensor(labels, [n]) };
}

function model(seed = 3): my.Sequential {
  my.setSeed(seed);
  const m = my.sequential([
    my.layers.dense({ units: 16, activation: 'relu', inputShape: [6] }),
    my.layers.dropout({ rate: 0 }),
    my.layers.dense({ units: 3 }),
  ]);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: my.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  return m;
}

function weightsOf(m: my.Sequential): number[][] {
  return m.getWeights().map((w) => { const v = Array.from(w.dataSync()); w.dispose(); return v; });
}

async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describeEachBackend('engine off the JS thread', (c) => {
  let x: my.Tensor;
  let y: my.Tensor;
  beforeAll(() => ({ x, y } = data(203, 1)));
  // The data here is small: 'always' sends even small inference passes and checks to the worker thread.
  beforeAll(() => { process.env.MYELIN_OFF_THREAD = 'always'; });
  afterAll(() => { delete process.env.MYELIN_OFF_THREAD; });

  test('fit reports its strategy; off-thread and on-thread fits give the same weights and losses bit for bit', async () => {
    for (const options of [{}, { validationSplit: 0.25 }, { batchSize: 50, shuffle: false }]) {
      const a = model();
      const ha = await a.fit(x, y, { epochs: 3, verbose: 0, seed: 9, ...options });
      const b = model();
      const hb = await withEnv('MYELIN_OFF_THREAD', '0', () => b.fit(x, y, { epochs: 3, verbose: 0, seed: 9, ...options }));
      expect(ha.history).toEqual(hb.history);
      expect(weightsOf(a)).toEqual(weightsOf(b));
      expect(ha.params.offThread).toBe(c.name === 'cpu');
      expect(hb.params.offThread).toBe(false);
      expect(typeof ha.params.strategyReason).toBe('string');
      // reference: no compiled steps; cuda: runs of steps (no whole-epoch jobs); cpu: whole epochs unless validation.
      const expected = c.name === 'reference' ? 'replay' : c.name === 'cuda' || 'validationSplit' in options ? 'native-steps' : 'native-epochs';
      expect(ha.params.strategy).toBe(expected);
      a.dispose();
      b.dispose();
    }
  });

  test('predictAsync and evaluateAsync equal predict and evaluate exactly (a last smaller batch included)', async () => {
    // Off the thread (MYELIN_OFF_THREAD=always) and, for these small passes, on it by default.
    const m = model();
    m.compile({ optimizer: 'adam', loss: my.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 2, verbose: 0, seed: 2 });
    for (const mode of ['always', '1']) {
      await withEnv('MYELIN_OFF_THREAD', mode, async () => {
        for (const batchSize of [32, 203, 500]) {
          const p = m.predict(x, { batchSize });
          const pa = await m.predictAsync(x, { batchSize });
          expect(pa.shape).toEqual(p.shape);
          expect(Array.from(pa.dataSync())).toEqual(Array.from(p.dataSync()));
          p.dispose();
          pa.dispose();
          expect(await m.evaluateAsync(x, y, { batchSize })).toEqual(m.evaluate(x, y, { batchSize }));
        }
      });
    }
    m.dispose();
  });

  test('the event loop gets turns while fit and predictAsync run', async () => {
    const big = data(4000, 4);
    const m = model();
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    try {
      await m.fit(big.x, big.y, { epochs: 40, batchSize: 16, verbose: 0 });
      expect(ticks).toBeGreaterThan(2);
      (await m.predictAsync(big.x, { batchSize: 8 })).dispose();
    } finally {
      clearInterval(timer);
      m.dispose();
      big.x.dispose();
      big.y.dispose();
    }
  });

  test('an aborted signal rejects fit, predictAsync and evaluateAsync at once and changes nothing', async () => {
    const m = model();
    const before = weightsOf(m);
    const ac = new AbortController();
    ac.abort(new Error('shutting down'));
    const err = await m.fit(x, y, { epochs: 2, verbose: 0, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(my.AbortError);
    expect((err as Error).name).toBe('AbortError');
    expect(((err as Error).cause as Error).message).toBe('shutting down');
    await expect(m.predictAsync(x, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(m.evaluateAsync(x, y, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(weightsOf(m)).toEqual(before);
    expect(m.isTraining).toBe(false);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, signal: 'no' as unknown as AbortSignal })).rejects.toThrow(/signal must be an AbortSignal/);
    m.dispose();
  });

  test('an abort during fit stops within one step with the weights of the last finished step, and the model trains on', async () => {
    const baseline = my.memory().numTensors;
    const ac = new AbortController();
    const a = model();
    // Aborted from a timer while steps run (off the thread on cpu) or between steps.
    setTimeout(() => ac.abort(), 30);
    await expect(a.fit(x, y, { epochs: 100000, batchSize: 8, verbose: 0, seed: 5, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const steps = (a as unknown as { compiled: { optimizer: my.optimizers.Optimizer } }).compiled.optimizer.iterations;
    expect(steps).toBeGreaterThan(0);
    // The same steps, stopped by a batch callback after exactly `steps` of them (every batch from JavaScript).
    const b = model();
    await b.fit(x, y, { epochs: 100000, batchSize: 8, verbose: 0, seed: 5, callbacks: [{
      onBatchEnd: () => { if ((b as unknown as { compiled: { optimizer: my.optimizers.Optimizer } }).compiled.optimizer.iterations >= steps) b.stopTraining = true; },
    }] });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    const h = await a.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0])).toBe(true);
    a.dispose();
    b.dispose();
    expect(my.memory().numTensors).toBeLessThanOrEqual(baseline);
  });

  test('an abort during the first, recorded step stops the fit cleanly', async () => {
    const ac = new AbortController();
    const m = model();
    const err = await m.fit(x, y, { epochs: 3, verbose: 0, signal: ac.signal, callbacks: [{ onBatchBegin: () => ac.abort() }] }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(m.isTraining).toBe(false);
    const h = await m.fit(x, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    m.dispose();
  });

  test('stopTraining set from outside while a job runs ends the fit with its history', async () => {
    const m = model();
    setTimeout(() => { m.stopTraining = true; }, 30);
    const h = await m.fit(x, y, { epochs: 100000, batchSize: 8, verbose: 0 });
    expect(h.epoch.length).toBeLessThan(100000);
    expect(m.isTraining).toBe(false);
    expect(m.stopTraining).toBe(true);
    const again = await m.fit(x, y, { epochs: 1, verbose: 0 });
    expect(again.history.loss).toHaveLength(1);
    m.dispose();
  });

  test('two fits on one model: the second is refused while the first runs', async () => {
    const m = model();
    const first = m.fit(x, y, { epochs: 3, verbose: 0 });
    await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toBeInstanceOf(my.ModelStateError);
    await first;
    m.dispose();
  });

  test('dispose during fit rejects the fit with a DisposedError and frees everything', async () => {
    const baseline = my.memory().numTensors;
    const m = model();
    setTimeout(() => m.dispose(), 20);
    await expect(m.fit(x, y, { epochs: 100000, batchSize: 8, verbose: 0 })).rejects.toBeInstanceOf(my.DisposedError);
    expect(m.isTraining).toBe(false);
    expect(my.memory().numTensors).toBeLessThanOrEqual(baseline);
  });

  test('an abort during predictAsync and evaluateAsync rejects and leaks nothing', async () => {
    const big = data(20000, 7);
    const m = model();
    const baseline = my.memory().numTensors;
    for (const run of [
      (signal: AbortSignal) => m.predictAsync(big.x, { batchSize: 1, signal }),
      (signal: AbortSignal) => m.evaluateAsync(big.x, big.y, { batchSize: 1, signal }),
    ]) {
      const ac = new AbortController();
      const running = run(ac.signal);
      ac.abort();  // the job is queued (cpu) or the first batch ran (other backends): it stops at the next batch
      await expect(running).rejects.toMatchObject({ name: 'AbortError' });
      expect(my.memory().numTensors).toBe(baseline);
    }
    m.dispose();
    big.x.dispose();
    big.y.dispose();
  });
});
