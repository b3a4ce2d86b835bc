/**
 * Models with the pooling, padding, up-sampling and noise layers train on the fast paths: a fit's strategy is the
 * backend's native or compiled one (the kernels are captured by the recorder), its weights equal those of the same
 * fit on the plain tape bit for bit (the replayed Philox counters included), and it learns the digits (8x8 images).
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';

function digits(n: number): { x: my.Tensor; y: my.Tensor } {
  const { x, y } = my.data.loadDataset('digits');
  const xs = my.tidy(() => my.reshape(my.mulScalar(my.slice(x, [0, 0], [n, 64]), 1 / 16), [n, 8, 8, 1]));
  const ys = my.tidy(() => my.slice(y, [0], [n]));
  return { x: xs, y: ys };
}

const LOSS = () => my.losses.sparseCategoricalCrossentropy({ fromLogits: true });

/** 2-D: noise, padding, per-pixel dense, max and average pooling ('same'), spatial dropout, up-sampling. */
function imageModel(): my.Sequential {
  return my.sequential([
    my.layers.gaussianNoise({ inputShape: [8, 8, 1], stddev: 0.05 }),
    my.layers.zeroPadding2d({ padding: 1 }),
    my.layers.dense({ units: 12, activation: 'relu' }),                  // per pixel: [10, 10, 12]
    my.layers.maxPooling2d({ poolSize: 2 }),                             // [5, 5, 12]
    my.layers.spatialDropout2d({ rate: 0.1 }),
    my.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
    my.layers.upSampling2d({ size: 2, interpolation: 'bilinear' }),      // [10, 10, 12]
    my.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), // [5, 5, 12]
    my.layers.flatten(),
    my.layers.dense({ units: 10 }),
  ]);
}

/** Global pooling over images: per-pixel dense, then the mean and the maximum of each channel. */
function globalModel(): my.Sequential {
  return my.sequential([
    my.layers.dense({ inputShape: [8, 8, 1], units: 16, activation: 'relu' }),
    my.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
    my.layers.globalMaxPooling2d(),
    my.layers.dense({ units: 10 }),
  ]);
}

/** 1-D: rows of the image as 8 steps of 8 channels. */
function sequenceModel(): my.Sequential {
  return my.sequential([
    my.layers.dense({ inputShape: [8, 8], units: 16, activation: 'tanh' }),
    my.layers.maxPooling1d({ poolSize: 2 }),
    my.layers.spatialDropout1d({ rate: 0.2 }),
    my.layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }),
    my.layers.globalAveragePooling1d(),
    my.layers.dense({ units: 10 }),
  ]);
}

async function fitWith(make: () => my.Sequential, x: my.Tensor, y: my.Tensor, tape: boolean): Promise<{ model: my.Sequential; history: my.History }> {
  my.setSeed(7);
  const model = make();
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: LOSS() });
  const before = process.env.MYELIN_STEP_REPLAY;
  if (tape) process.env.MYELIN_STEP_REPLAY = '0';
  try {
    const history = await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, seed: 3 });
    return { model, history };
  } finally {
    if (before === undefined) delete process.env.MYELIN_STEP_REPLAY;
    else process.env.MYELIN_STEP_REPLAY = before;
  }
}

const weightsOf = (m: my.Sequential): number[][] => m.getWeights().map((w) => { const v = Array.from(w.dataSync()); w.dispose(); return v; });

describeEachBackend('models with pooling layers', (c) => {
  let data: { x: my.Tensor; y: my.Tensor };
  beforeAll(() => { data = digits(200); });

  test.each([
    ['image', imageModel, [200, 8, 8, 1]],
    ['global pooling', globalModel, [200, 8, 8, 1]],
    ['sequence', sequenceModel, [200, 8, 8]],
  ] as const)('%s model: fit runs on the fast path and gives the tape\'s weights bit for bit', async (_label, make, shape) => {
    const x = my.reshape(data.x, shape.slice());
    const fast = await fitWith(make, x, data.y, false);
    const tape = await fitWith(make, x, data.y, true);
    const want = c.name === 'reference' ? 'replay' : c.name === 'cuda' ? 'native-steps' : 'native-epochs';
    expect(`${fast.history.params.strategy} (${fast.history.params.strategyReason})`).toMatch(new RegExp(`^${want} `));
    expect(tape.history.params.strategy).toBe('tape');
    expect(fast.history.history.loss).toEqual(tape.history.history.loss);
    expect(weightsOf(fast.model)).toEqual(weightsOf(tape.model));
    fast.model.dispose();
    tape.model.dispose();
    x.dispose();
  }, 120_000);
});

describe('a model with pooling learns the digits', () => {
  test('test accuracy >= 0.95 on the stratified split: rows through a dense layer, max pooling over rows', async () => {
    const { x, y } = my.data.loadDataset('digits');
    const split = my.data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: true });
    const scaler = new my.scalers.StandardScaler().fit(split.xTrain);
    const rows = (t: my.Tensor) => my.tidy(() => my.reshape(scaler.transform(t) as my.Tensor, [-1, 8, 8]));
    my.setSeed(1);
    const model = my.sequential([
      my.layers.dense({ inputShape: [8, 8], units: 64, activation: 'relu' }),  // each image row -> 64 features
      my.layers.maxPooling1d({ poolSize: 2 }),                                 // [4, 64]
      my.layers.flatten(),
      my.layers.dense({ units: 10 }),
    ]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.003 }), loss: LOSS(), metrics: ['accuracy'] });
    const history = await model.fit(rows(split.xTrain), split.yTrain, { epochs: 30, batchSize: 32, verbose: 0, seed: 2 });
    expect(history.params.strategy).toMatch(/native|replay/);
    const [, accuracy] = model.evaluate(rows(split.xTest), split.yTest) as number[];
    console.log(`digits, dense rows + maxPooling1d: test accuracy ${accuracy.toFixed(4)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    model.dispose();
  }, 120_000);
});
