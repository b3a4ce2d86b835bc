/**
 * A model whose output carries a time mask (returnSequences over an embedding with maskZero): fit and evaluate
 * weight the per-step loss by the mask (Keras): loss = sum_{i,t} m_it l_it / sum_{i,t} m_it. Checked against a hand
 * computation and against the same weights on the unpadded sequence.
 */
import * as my from '../../lib/index';

function model(T: number): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [T], embeddingsInitializer: 'glorotUniform' }),
    my.layers.simpleRnn({ units: 1, returnSequences: true }),
  ]);
}

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  test('evaluate: the mean of the squared error over the unmasked steps only', () => {
    const m = model(4);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = my.tensor([1, 2, 0, 0, 3, 1, 2, 0], [2, 4]);
    const yv = [0.5, -0.2, 9, 9, 0.1, 0.3, -0.4, 9];
    const y = my.tensor(yv, [2, 4, 1]);
    const pred = (m.predict(x) as my.Tensor).dataSync();
    const on = [1, 1, 0, 0, 1, 1, 1, 0];
    let total = 0;
    on.forEach((k, i) => { total += k * (pred[i] - yv[i]) ** 2; });
    const loss = m.evaluate(x, y) as number;
    expect(loss).toBeCloseTo(total / 5, 5);
    // the targets at padded steps (9) would dominate an unmasked mean
    let unmasked = 0;
    yv.forEach((v, i) => { unmasked += (pred[i] - v) ** 2; });
    expect(Math.abs(loss - unmasked / 8)).toBeGreaterThan(1);
  });

  test('a dense head on the sequence keeps the mask (Keras Dense supports masking)', () => {
    const m = my.sequential([
      my.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }),
      my.layers.simpleRnn({ units: 3, returnSequences: true }),
      my.layers.dense({ units: 1 }),
    ]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = my.tensor([1, 2, 0, 0, 3, 1, 2, 0], [2, 4]);
    const yv = [0.5, -0.2, 9, 9, 0.1, 0.3, -0.4, 9];
    const pred = (m.predict(x) as my.Tensor).dataSync();
    const on = [1, 1, 0, 0, 1, 1, 1, 0];
    let total = 0;
    on.forEach((k, i) => { total += k * (pred[i] - yv[i]) ** 2; });
    expect(m.evaluate(x, my.tensor(yv, [2, 4, 1])) as number).toBeCloseTo(total / 5, 5);
  });

  test('fit on a padded sequence takes the same step as on the unpadded one', async () => {
    const padded = model(5), plain = model(3);
    for (const mdl of [padded, plain]) mdl.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    padded.predict(my.tensor([1, 0, 0, 0, 0], [1, 5]));
    plain.predict(my.tensor([1, 2, 3], [1, 3]));
    plain.setWeights(padded.getWeights());
    const before = padded.getWeights().map((w) => Array.from(w.dataSync()));
    const hPadded = await padded.fit(my.tensor([4, 2, 3, 0, 0], [1, 5]), my.tensor([0.3, -0.5, 0.8, 7, 7], [1, 5, 1]), { epochs: 1, batchSize: 1, verbose: 0 });
    const hPlain = await plain.fit(my.tensor([4, 2, 3], [1, 3]), my.tensor([0.3, -0.5, 0.8], [1, 3, 1]), { epochs: 1, batchSize: 1, verbose: 0 });
    expect(hPadded.history.loss[0]).toBeCloseTo(hPlain.history.loss[0], 5);
    const after = padded.getWeights().map((w) => Array.from(w.dataSync()));
    const want = plain.getWeights().map((w) => Array.from(w.dataSync()));
    after.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));
    expect(after.some((w, i) => w.some((v, j) => Math.abs(v - before[i][j]) > 1e-4))).toBe(true);
  });
});
