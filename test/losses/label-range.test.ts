/**
 * Binary and categorical cross-entropy, and the binary metrics, refuse labels outside [0, 1] (e.g. class
 * ids 0..9 given to a binary loss); probabilities in between stay allowed. Sparse labels out of range too.
 */
import * as my from '../../lib/index';
import { ValueError } from '../../lib/errors';

const yPred = () => my.tensor([[0.2], [0.7], [0.9]]);

test.each([
  ['binaryCrossentropy', () => my.losses.binaryCrossentropy()],
  ['binaryCrossentropy fromLogits', () => my.losses.binaryCrossentropy({ fromLogits: true })],
])('%s: labels 0..9 are a ValueError naming the first bad one; probabilities pass', (_n, make) => {
  const loss = make();
  expect(() => loss.perSample(my.tensor([[0], [1], [9]]), yPred())).toThrow(/yTrue\[2\] = 9 is not a label in \[0, 1\]/);
  expect(() => loss.perSample(my.tensor([[0], [-0.5], [1]]), yPred())).toThrow(ValueError);
  expect(() => loss.perSample(my.tensor([[0], [NaN], [1]]), yPred())).toThrow(ValueError);
  expect(loss.perSample(my.tensor([[0], [0.3], [1]]), yPred()).shape).toEqual([3]);
});

test('categoricalCrossentropy: one-hot and probabilistic labels pass, values outside [0, 1] do not', () => {
  const loss = my.losses.categoricalCrossentropy();
  const p = my.tensor([[0.2, 0.8], [0.6, 0.4]]);
  expect(loss.perSample(my.tensor([[0, 1], [0.25, 0.75]]), p).shape).toEqual([2]);
  expect(() => loss.perSample(my.tensor([[0, 2], [1, 0]]), p)).toThrow(/yTrue\[1\] = 2/);
});

test('sparseCategoricalCrossentropy: class ids out of range are a ValueError', () => {
  const loss = my.losses.sparseCategoricalCrossentropy();
  const p = my.tensor([[0.2, 0.8], [0.6, 0.4]]);
  expect(() => loss.perSample(my.tensor([0, 2]), p)).toThrow(ValueError);
  expect(() => loss.perSample(my.tensor([0, -1]), p)).toThrow(ValueError);
});

test.each(['binaryAccuracy', 'precision', 'recall', 'auc'])('metric %s refuses labels outside [0, 1]', (name) => {
  const metric = my.metrics.getMetric(name, 'binaryCrossentropy');
  expect(() => metric.update(my.tensor([[0], [1], [9]]), yPred())).toThrow(/not a label in \[0, 1\]/);
  metric.update(my.tensor([[0], [1], [1]]), yPred());
  expect(Number.isFinite(metric.result())).toBe(true);
});

test('fit and evaluate with binaryCrossentropy and labels 0..9: ValueError before training, the model unchanged', async () => {
  my.setSeed(2);
  const m = my.sequential([my.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const before = m.getWeights().map((t) => Array.from(t.dataSync()));
  const x = my.tensor([[1, 2], [3, 4], [5, 6]]);
  const y = my.tensor([[0], [1], [9]]);
  await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/y\[2\] = 9 is not a label in \[0, 1\]/);
  expect(() => m.evaluate(x, y)).toThrow(ValueError);
  expect(m.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(before);
  await m.fit(x, my.tensor([[0], [1], [1]]), { epochs: 1, verbose: 0 });
});
