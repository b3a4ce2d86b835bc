/**
 * evaluate(..., { returnDict: true }) (Keras's `return_dict=True`): `{ loss, [metric]: value }` with the same numbers
 * as the array form, on a Sequential and a functional model, sync and async; a bad returnDict is a ValueError.
 */
import * as my from '../../lib/index';

const X = [[0.1, 0.2], [0.9, -0.3], [-0.5, 0.4], [0.3, 0.8], [-0.2, -0.7], [0.6, 0.1]];
const LABELS = [0, 1, 0, 1, 0, 1];

function model(): my.Sequential {
  my.setSeed(3);
  const m = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 2, activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

test('returnDict gives { loss, accuracy } equal to [loss, accuracy]', async () => {
  const m = model();
  const [loss, acc] = m.evaluate(X, LABELS) as number[];
  const d = m.evaluate(X, LABELS, { returnDict: true });
  expect(d).toEqual({ loss, accuracy: acc });
  expect(await m.evaluateAsync(X, LABELS, { returnDict: true })).toEqual({ loss, accuracy: acc });
  expect(() => m.evaluate(X, LABELS, { returnDict: 1 as never })).toThrow(/evaluate: returnDict must be a boolean, got 1/);
  await expect(m.evaluateAsync(X, LABELS, { returnDict: 'yes' as never })).rejects.toThrow(my.ValueError);
  m.dispose();
});

test('a model without metrics: { loss } (the array form is a number)', () => {
  my.setSeed(4);
  const input = my.input({ shape: [2] });
  const out = my.layers.dense({ units: 1 }).apply(input) as my.SymbolicTensor;
  const m = my.model({ inputs: input, outputs: out });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const y = X.map((r) => [r[0] - r[1]]);
  const loss = m.evaluate(X, y) as number;
  expect(m.evaluate(X, y, { returnDict: true })).toEqual({ loss });
  m.dispose();
});
