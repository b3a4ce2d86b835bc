/** Callbacks: order of hooks, early stopping, learning-rate callbacks, NaN termination, checkpoints, progress. */
import * as my from '../../lib/index';

const X = [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.1, 0.9]];
const Y = [1, 1, 0, 0, 1, 1];

function model(seed = 1): my.Sequential {
  my.setSeed(seed);
  const m = my.sequential([my.layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }), my.layers.dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Overwrites logs[key] at each epoch end with the next scripted value (placed before the callback under test). */
const script = (key: string, values: number[]) => ({ onEpochEnd: (epoch: number, logs: Record<string, number>) => { logs[key] = values[epoch]; } });

test('user callbacks are called in order with Keras-shaped logs', async () => {
  const events: string[] = [];
  const recorder = (tag: string) => ({
    onTrainBegin: () => { events.push(`${tag}:trainBegin`); },
    onEpochBegin: (e: number) => { events.push(`${tag}:epochBegin${e}`); },
    onBatchBegin: (b: number) => { events.push(`${tag}:batchBegin${b}`); },
    onBatchEnd: (b: number, logs: Record<string, number>) => { events.push(`${tag}:batchEnd${b}:${Object.keys(logs).sort().join(',')}`); },
    onEpochEnd: async (e: number, logs: Record<string, number>) => { await new Promise((r) => setTimeout(r, 1)); events.push(`${tag}:epochEnd${e}:${Object.keys(logs).sort().join(',')}`); },
    onTrainEnd: () => { events.push(`${tag}:trainEnd`); },
  });
  await model().fit(X, Y, { epochs: 2, batchSize: 4, validationSplit: 1 / 3, verbose: 0, callbacks: [recorder('a'), recorder('b')] });
  const a = events.filter((e) => e.startsWith('a:'));
  expect(a).toEqual([
    'a:trainBegin',
    'a:epochBegin0', 'a:batchBegin0', 'a:batchEnd0:accuracy,batch,loss,size', 'a:epochEnd0:accuracy,loss,val_accuracy,val_loss',
    'a:epochBegin1', 'a:batchBegin0', 'a:batchEnd0:accuracy,batch,loss,size', 'a:epochEnd1:accuracy,loss,val_accuracy,val_loss',
    'a:trainEnd',
  ]);
  // Each hook runs on a before b.
  expect(events.indexOf('a:trainBegin')).toBeLessThan(events.indexOf('b:trainBegin'));
  expect(events.indexOf('a:epochEnd0:accuracy,loss,val_accuracy,val_loss')).toBe(events.indexOf('b:epochEnd0:accuracy,loss,val_accuracy,val_loss') - 1);
});

describe('earlyStopping', () => {
  test('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const m = model();
    const snapshots: number[][] = [];
    const snap = { onEpochEnd: () => { snapshots.push(m.getWeights().flatMap((w) => Array.from(w.dataSync()))); } };
    const es = my.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await m.fit(X, Y, { epochs: 20, verbose: 0, callbacks: [snap, script('val_loss', [1, 0.5, 0.6, 0.55, 0.4, 0.3]), es] });
    // best 0.5 at epoch 1; epochs 2 and 3 do not improve -> stop at epoch 3.
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(m.getWeights().flatMap((w) => Array.from(w.dataSync()))).toEqual(snapshots[1]);
  });

  test('minDelta, mode max for accuracy and patience 0', async () => {
    const m = model();
    const es = my.callbacks.earlyStopping({ monitor: 'accuracy', minDelta: 0.05 });
    const h = await m.fit(X, Y, { epochs: 10, verbose: 0, callbacks: [script('accuracy', [0.5, 0.6, 0.62, 0.9]), es] });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(() => my.callbacks.earlyStopping({ patience: -1 })).toThrow(/patience/);
    expect(() => my.callbacks.earlyStopping({ mode: 'up' as never })).toThrow(/mode/);
  });
});

describe('learning rate', () => {
  test('reduceLROnPlateau multiplies lr by factor after `patience` flat epochs, honours cooldown and minLr, records lr', async () => {
    const m = model();
    const cb = my.callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.02 });
    const h = await m.fit(X, Y, { epochs: 8, verbose: 0, callbacks: [script('loss', [1, 1, 1, 1, 1, 1, 1, 1]), cb] });
    // Traced by hand through Keras 3 ReduceLROnPlateau.on_epoch_end (lr is logged before that epoch's
    // decision): reductions at epochs 2, 4 and 6 (cooldown 1 is spent in the epoch after each, which
    // already counts as a wait), the last one clipped to minLr 0.02.
    expect(h.history.learning_rate.map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02]);
    expect(m.optimizer?.getLearningRate()).toBeCloseTo(0.02, 7);
  });

  test('learningRateScheduler sets lr = schedule(epoch, lr) at each epoch start', async () => {
    const m = model();
    const h = await m.fit(X, Y, { epochs: 3, verbose: 0, callbacks: [my.callbacks.learningRateScheduler((epoch, lr) => (epoch === 0 ? 0.5 : lr / 2))] });
    expect(h.history.learning_rate).toEqual([0.5, 0.25, 0.125]);
    expect(Object.keys(h.history)).not.toContain('lr'); // Keras 3 logs the rate as 'learning_rate'
    await expect(model().fit(X, Y, { verbose: 0, callbacks: [my.callbacks.learningRateScheduler(() => Number.NaN)] })).rejects.toThrow(/returned NaN at epoch 0/);
  });
});

test('terminateOnNaN stops at the first batch with a non-finite loss', async () => {
  const m = my.sequential([my.layers.dense({ units: 1, inputShape: [1] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const cb = my.callbacks.terminateOnNaN();
  // (1e20 * w)^2 overflows float32: the first batch loss is Infinity.
  const h = await m.fit([[1e20], [1e20], [1e20]], [0, 0, 0], { epochs: 5, batchSize: 1, verbose: 0, callbacks: [cb] });
  expect(cb.terminatedAtBatch).toBe(0);
  expect(h.epoch).toEqual([0]);
  expect(m.optimizer?.iterations).toBe(1);
});

describe('modelCheckpoint', () => {
  test('calls model.save with the formatted path; saveBestOnly saves only improvements', async () => {
    const m = model();
    const saved: string[] = [];
    (m as unknown as { save: (p: string) => Promise<void> }).save = async (p) => { saved.push(p); };
    await m.fit(X, Y, { epochs: 4, verbose: 0, callbacks: [script('val_loss', [0.5, 0.7, 0.25, 0.3]), my.callbacks.modelCheckpoint({ filepath: 'ckpt/e{epoch:02d}-{val_loss:.2f}', saveBestOnly: true })] });
    expect(saved).toEqual(['ckpt/e01-0.50', 'ckpt/e03-0.25']);
  });

  test('without a save method it is a clear error', async () => {
    const m = model();
    const proto = my.Sequential.prototype as unknown as { save?: unknown };
    const own = proto.save;
    delete proto.save;
    try {
      await expect(m.fit(X, Y, { verbose: 0, callbacks: [my.callbacks.modelCheckpoint({ filepath: 'x' })] })).rejects.toThrow(/model.save is not available/);
    } finally {
      if (own) proto.save = own;
    }
    expect(() => my.callbacks.modelCheckpoint({} as never)).toThrow(/filepath/);
  });
});

describe('progress output', () => {
  test('verbose 2 (or no TTY) writes one line per epoch with loss and metrics', async () => {
    const out: string[] = [];
    await model().fit(X, Y, { epochs: 3, batchSize: 2, verbose: 2, progressStream: { write: (s: string) => out.push(s), isTTY: true } });
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^Epoch 1\/3 - 3\/3 - \S+ - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
    const plain: string[] = [];
    await model().fit(X, Y, { epochs: 2, verbose: 1, progressStream: { write: (s: string) => plain.push(s), isTTY: false } });
    expect(plain).toHaveLength(2);
  });

  test('verbose 1 on a TTY draws a bar with batch counts and ETA, redrawn in place', async () => {
    const out: string[] = [];
    await model().fit(X, Y, { epochs: 1, batchSize: 2, verbose: 1, progressStream: { write: (s: string) => out.push(s), isTTY: true } });
    const text = out.join('');
    expect(text).toMatch(/Epoch 1\/1\n/);
    expect(text).toMatch(/\r3\/3 \[=+\] - ETA: \S+ - loss: /);
    expect(text.endsWith('\n')).toBe(true);
  });

  test('verbose 0 writes nothing', async () => {
    const out: string[] = [];
    await model().fit(X, Y, { epochs: 2, verbose: 0, progressStream: { write: (s: string) => out.push(s) } });
    expect(out).toHaveLength(0);
  });
});
