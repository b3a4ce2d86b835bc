/**
 * The learning rate and the step count as backend values (lib/optimizers/hyper-buffer.ts): every optimizer step
 * reads them from the optimizer's [learningRate, stepsDone] buffer, so a rate changed by `setLearningRate`, a
 * schedule or a callback, and a count set by `setState` or by hand, reach every step; and a fit whose callbacks
 * change the rate ends with the same weights on every strategy (backend-run steps, compiled replay, replay call
 * by call, the tape), on the JavaScript thread or off it.
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';

/** The formula of plain SGD (p -= lr g) in float64, stored as float32 like the kernels, with lr as a float32. */
function sgdByHand(p: number[], g: number[], lr: number): number[] {
  return p.map((v, i) => Math.fround(v - Math.fround(lr) * g[i]));
}

/** The trained weights and history of `fit` with the strategy environment `env` (unset variables are deleted). */
async function trainWith(env: Record<string, string>, callbacks: () => my.callbacks.Callback[]) {
  const names = ['MYELIN_STEP_REPLAY', 'MYELIN_STEP_COMPILE', 'MYELIN_NATIVE_STEPS', 'MYELIN_OFF_THREAD'];
  for (const n of names) {
    if (env[n] === undefined) delete process.env[n];
    else process.env[n] = env[n];
  }
  try {
    const x = my.randomNormal([60, 3], { seed: 7 });
    const y = my.randomNormal([60, 2], { seed: 8 });
    my.setSeed(4);
    const model = my.sequential([my.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }), my.layers.dense({ units: 2 })]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 16, seed: 2, verbose: 0, callbacks: callbacks() });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { weights, history };
  } finally {
    for (const n of names) delete process.env[n];
  }
}

describeEachBackend('optimizer learning rate and step count on the backend', (c) => {
  test('setLearningRate reaches the next step (plain SGD computed by hand, the rate as float32)', () => {
    const v = my.variable(my.tensor([1, -2, 3]));
    const g = my.tensor([0.5, 0.25, -1]);
    const opt = my.optimizers.sgd({ learningRate: 0.1 });
    opt.applyGradients([{ variable: v, grad: g }]);
    let want = sgdByHand([1, -2, 3], [0.5, 0.25, -1], 0.1);
    expect(Array.from(v.dataSync())).toEqual(want);
    opt.setLearningRate(0.03);
    opt.applyGradients([{ variable: v, grad: g }]);
    want = sgdByHand(want, [0.5, 0.25, -1], 0.03);
    expect(Array.from(v.dataSync())).toEqual(want);
    opt.dispose();
  });

  test('a count set by setState or by hand reaches the next step (Adam\'s bias corrections follow it)', () => {
    const grads = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]].map((g) => my.tensor(g));
    const a = my.optimizers.adam({ learningRate: 0.01 });
    const va = my.variable(my.tensor([0.5, -0.5]));
    for (const g of grads.slice(0, 2)) a.applyGradients([{ variable: va, grad: g }]);
    // A new optimizer given a's state (iterations 2, slots m and v) takes step 3 exactly as a does.
    const b = my.optimizers.adam({ learningRate: 0.01 });
    const vb = my.variable(my.tensor(va.dataSync().slice(), [2]));
    b.applyGradients([{ variable: vb, grad: my.tensor([0, 0]) }]);  // its buffer now counts 1 step
    b.setState(a.getState());
    vb.assign(my.tensor(va.dataSync().slice(), [2]));
    a.applyGradients([{ variable: va, grad: grads[2] }]);
    b.applyGradients([{ variable: vb, grad: grads[2] }]);
    expect(Array.from(vb.dataSync())).toEqual(Array.from(va.dataSync()));
    // iterations set by hand to 0 with zeroed slots: the next step is a first step again (bias corrections of
    // step 1), the same as a fresh optimizer's.
    const fresh = my.optimizers.adam({ learningRate: 0.01 });
    const vf = my.variable(my.tensor(va.dataSync().slice(), [2]));
    a.setState(fresh.getState().concat([
      { name: 'm/0', tensor: my.zeros([2]) }, { name: 'v/0', tensor: my.zeros([2]) },
    ]));
    a.iterations = 0;
    a.applyGradients([{ variable: va, grad: grads[0] }]);
    fresh.applyGradients([{ variable: vf, grad: grads[0] }]);
    expect(Array.from(va.dataSync())).toEqual(Array.from(vf.dataSync()));
    for (const o of [a, b, fresh]) o.dispose();
  });

  test('learningRateScheduler and reduceLROnPlateau give the same weights on every strategy', async () => {
    const callbacks = () => [
      my.callbacks.learningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr * 0.7)),
      my.callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 0, minDelta: 10 }),
    ];
    const strategies: Array<[string, Record<string, string>]> = [
      ['default', {}],
      ['on the JS thread', { MYELIN_OFF_THREAD: '0' }],
      ['compiled replay', { MYELIN_NATIVE_STEPS: '0' }],
      ['replay', { MYELIN_STEP_COMPILE: '0' }],
      ['tape', { MYELIN_STEP_REPLAY: '0' }],
    ];
    const runs = [];
    for (const [, env] of strategies) runs.push(await trainWith(env, callbacks));
    const tape = runs[runs.length - 1];
    // The rate changed: by the scheduler from epoch 2 on, and by the plateau callback (minDelta 10: no epoch improves).
    const rates = tape.history.history.learning_rate as number[];
    expect(new Set(rates.map((r) => Math.fround(r))).size).toBeGreaterThan(3);
    expect(tape.history.params.strategy).toBe('tape');
    if (c.name === 'cpu') expect(runs[0].history.params.strategy).toBe('native-steps');
    runs.forEach((run, i) => {
      expect(`${strategies[i][0]}: ${JSON.stringify(run.history.history.loss)}`).toBe(`${strategies[i][0]}: ${JSON.stringify(tape.history.history.loss)}`);
      expect(run.weights).toEqual(tape.weights);
    });
  });
});
