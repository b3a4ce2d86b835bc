/**
 * Metrics of a model whose output carries a time mask (an embedding with maskZero under a returnSequences layer):
 * fit, evaluate and evaluateAsync weight them by the mask, as Keras passes the output mask to its metrics as
 * sample weights. Checked against a hand computation over the unmasked steps and against the same model on the
 * unpadded sequences.
 */
import * as my from '../../lib/index';

const X = [1, 2, 0, 0, 3, 1, 2, 0];  // two sequences of 4 steps, post-padded with 0
const ON = X.map((v) => (v === 0 ? 0 : 1));

function regressor(T: number): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [T], embeddingsInitializer: 'glorotUniform' }),
    my.layers.simpleRnn({ units: 3, returnSequences: true, seed: 1 }),
    my.layers.dense({ units: 1 }),
  ]);
}

function classifier(T: number): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [T], embeddingsInitializer: 'glorotUniform' }),
    my.layers.lstm({ units: 4, returnSequences: true }),
    my.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
}

/** One-hot rows [.., 3] of class indices. */
function oneHot(labels: number[], shape: number[]): my.Tensor {
  const out = new Float32Array(labels.length * 3);
  labels.forEach((c, i) => { out[i * 3 + c] = 1; });
  return my.tensor(out, [...shape, 3]);
}

/** Mean over the steps with ON = 1 of f(step index). */
function overUnmasked(f: (i: number) => number): number {
  let total = 0, count = 0;
  ON.forEach((on, i) => { if (on) { total += f(i); count++; } });
  return total / count;
}

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  test('mae, mse, rmse and a function metric average over the unmasked steps only', async () => {
    const m = regressor(4);
    const stepAbs = function stepAbs(yTrue: my.Tensor, yPred: my.Tensor): my.Tensor {
      return my.mean(my.abs(my.sub(yPred, yTrue)), -1);  // [batch, time]
    };
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', 'mse', 'rmse', stepAbs] });
    const x = my.tensor(X, [2, 4]);
    const yv = [0.5, -0.2, 9, 9, 0.1, 0.3, -0.4, 9];
    const y = my.tensor(yv, [2, 4, 1]);
    const p = (m.predict(x) as my.Tensor).dataSync();
    const mae = overUnmasked((i) => Math.abs(p[i] - yv[i]));
    const mse = overUnmasked((i) => (p[i] - yv[i]) ** 2);
    const r = m.evaluate(x, y, { returnDict: true }) as Record<string, number>;
    expect(r.mae).toBeCloseTo(mae, 5);
    expect(r.mse).toBeCloseTo(mse, 5);
    expect(r.rmse).toBeCloseTo(Math.sqrt(mse), 5);
    expect(r.stepAbs).toBeCloseTo(mae, 5);
    expect(r.mse).toBeCloseTo(r.loss, 5);
    // the padded targets (9) would dominate an unweighted mean
    let unweighted = 0;
    yv.forEach((v, i) => { unweighted += Math.abs(p[i] - v) / yv.length; });
    expect(Math.abs(r.mae - unweighted)).toBeGreaterThan(1);
    const async = await m.evaluateAsync(x, y, { returnDict: true }) as Record<string, number>;
    for (const k of ['mae', 'mse', 'rmse', 'stepAbs']) expect(async[k]).toBeCloseTo(r[k], 5);
  });

  test('accuracy counts the unmasked steps only', () => {
    const m = classifier(4);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy', 'topKCategoricalAccuracy'] });
    const x = my.tensor(X, [2, 4]);
    const p = (m.predict(x) as my.Tensor).dataSync();
    const argmax = (i: number) => [0, 1, 2].reduce((b, c) => (p[i * 3 + c] > p[i * 3 + b] ? c : b), 0);
    // labels: the prediction at the first two real steps, another class elsewhere; padded steps all wrong
    const labels = ON.map((on, i) => (on && i % 4 < 2 ? argmax(i) : (argmax(i) + 1) % 3));
    const r = m.evaluate(x, oneHot(labels, [2, 4]), { returnDict: true }) as Record<string, number>;
    expect(r.accuracy).toBeCloseTo(overUnmasked((i) => (argmax(i) === labels[i] ? 1 : 0)), 6);
    expect(r.accuracy).toBeCloseTo(4 / 5, 6);
    expect(r.topKCategoricalAccuracy).toBe(1);
  });

  test('fit reports the metrics of the padded batch as those of the unpadded one', async () => {
    const padded = classifier(6), plain = classifier(3);
    for (const mdl of [padded, plain]) {
      mdl.compile({ optimizer: my.optimizers.sgd({ learningRate: 0 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    }
    padded.predict(my.tensor([1, 0, 0, 0, 0, 0], [1, 6]));
    plain.predict(my.tensor([1, 2, 3], [1, 3]));
    plain.setWeights(padded.getWeights());
    const seq = [4, 2, 3], labels = [0, 1, 2];
    const hPadded = await padded.fit(my.tensor([...seq, 0, 0, 0], [1, 6]), oneHot([...labels, 0, 1, 2], [1, 6]), { epochs: 1, batchSize: 1, verbose: 0 });
    const hPlain = await plain.fit(my.tensor(seq, [1, 3]), oneHot(labels, [1, 3]), { epochs: 1, batchSize: 1, verbose: 0 });
    expect(hPadded.history.loss[0]).toBeCloseTo(hPlain.history.loss[0], 5);
    expect(hPadded.history.accuracy[0]).toBeCloseTo(hPlain.history.accuracy[0], 6);
    expect([0, 1 / 3, 2 / 3, 1].some((v) => Math.abs(v - hPlain.history.accuracy[0]) < 1e-6)).toBe(true);
  });
});

describe('metric weights', () => {
  test('weights that do not line up with the values are a ShapeError naming the metric', () => {
    const m = my.metrics.getMetric('mae', 'mse');
    expect(() => m.update(my.tensor([1, 2, 3], [3, 1]), my.tensor([1, 2, 3], [3, 1]), my.tensor([1, 0], [2]))).toThrow(my.ShapeError);
    expect(() => m.update(my.tensor([1, 2, 3], [3, 1]), my.tensor([1, 2, 3], [3, 1]), my.tensor([1, 0], [2]))).toThrow(/mae: the weights/);
  });
});
