/**
 * Sequential.fit on cuda, where recorded steps are captured as CUDA graphs and runs of same-size batches (the
 * full ones, then the last, smaller one) are launched by one native call (gather, graph, optimizer, loss per
 * step): both must give exactly the losses and weights of replaying call by call (MYELIN_STEP_COMPILE=0), they
 * must actually be used, and all must follow the cpu backend's curve within float32 rounding. Data and initial weights are made on the host, so every
 * run starts from the same numbers.
 */
import { setBackend, getBackend } from '../lib/backend/select';
import { tensor } from '../lib/ops/creation';
import { dense } from '../lib/layers/dense';
import { sequential } from '../lib/models/sequential';
import { adam } from '../lib/optimizers/adam';
import { requireCuda } from './require-gpu';

// 330 rows in batches of 32: ten full batches and a last one of 10, each size with its own graph and native runs.
const N = 330, IN = 20, HIDDEN = 64, CLASSES = 5;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const r = lcg(11);
const X = Float32Array.from({ length: N * IN }, r);
const Y = Float32Array.from({ length: N }, (_, i) => {
  let best = 0;
  for (let c = 1; c < CLASSES; c++) if (X[i * IN + c] > X[i * IN + best]) best = c;
  return best;
});
const INIT = [[IN, HIDDEN], [HIDDEN], [HIDDEN, HIDDEN], [HIDDEN], [HIDDEN, CLASSES], [CLASSES]].map((shape) => ({
  shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 0.3),
}));

interface FitRun { losses: number[]; weights: Float32Array[]; graphLaunches: number; nativeRuns: number }

async function fitOn(backend: 'cuda' | 'cpu', graphs: boolean, nativeSteps = graphs): Promise<FitRun> {
  setBackend(backend);
  process.env.MYELIN_STEP_COMPILE = graphs ? '1' : '0';
  process.env.MYELIN_NATIVE_STEPS = nativeSteps ? '1' : '0';
  const b = getBackend();
  let graphLaunches = 0;
  let nativeRuns = 0;
  const launch = b.runCompiled;
  const runSteps = b.runTrainingSteps;
  if (launch) b.runCompiled = (g: unknown) => { graphLaunches++; launch.call(b, g); };
  if (runSteps) b.runTrainingSteps = (plan) => { nativeRuns++; runSteps.call(b, plan); };
  try {
    const model = sequential([
      dense({ units: HIDDEN, activation: 'relu', inputShape: [IN] }),
      dense({ units: HIDDEN, activation: 'relu' }),
      dense({ units: CLASSES, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: adam({ learningRate: 3e-3 }), loss: 'sparseCategoricalCrossentropy' });
    model.setWeights(INIT.map((w) => tensor(w.data, w.shape)));
    const history = await model.fit(tensor(X, [N, IN]), tensor(Y, [N]), { epochs: 4, batchSize: 32, shuffle: true, seed: 5, verbose: 0 });
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    return { losses: history.history.loss, weights, graphLaunches, nativeRuns };
  } finally {
    if (launch) b.runCompiled = launch;
    if (runSteps) b.runTrainingSteps = runSteps;
    delete process.env.MYELIN_STEP_COMPILE;
    delete process.env.MYELIN_NATIVE_STEPS;
  }
}

describe('Sequential.fit on cuda with CUDA graphs', () => {
  requireCuda();

  test('graphs and native step runs are used, give exactly the call-by-call replay, and follow the cpu curve', async () => {
    const native = await fitOn('cuda', true, true);
    const graphed = await fitOn('cuda', true, false);
    const replayed = await fitOn('cuda', false);
    const cpu = await fitOn('cpu', false);
    expect(native.nativeRuns).toBeGreaterThan(2);
    expect(graphed.graphLaunches).toBeGreaterThan(20);
    expect([replayed.graphLaunches, replayed.nativeRuns]).toEqual([0, 0]);
    for (const run of [native, graphed]) {
      expect(run.losses).toEqual(replayed.losses);
      run.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(replayed.weights[i])));
    }
    graphed.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]) / cpu.losses[i]).toBeLessThan(1e-4));
    expect(graphed.losses[3]).toBeLessThan(graphed.losses[0]);
  });
});
