/** Bad input at every public entry point of the model: a typed error, and the model still works afterwards. */
import * as my from '../../lib/index';

const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
const Y = [0, 1, 2, 1];

function model(): my.Sequential {
  my.setSeed(1);
  const m = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), my.layers.dense({ units: 3, activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

async function stillWorks(m: my.Sequential): Promise<void> {
  const h = await m.fit(X, Y, { epochs: 1, verbose: 0 });
  expect(Number.isFinite(h.history.loss[0])).toBe(true);
  expect(m.predict(X).shape).toEqual([4, 3]);
}

describe('fit', () => {
  test.each([
    ['NaN in x names row and column', [[0, 1], [1, Number.NaN], [1, 1], [0, 0]], Y, my.ValueError, /fit: x contains NaN at row 1, column 1/],
    ['Infinity in y', X, [0, 1, Infinity, 1], my.ValueError, /fit: y contains Infinity at row 2/],
    ['empty x', [], [], my.ValueError, /fit: x must not be empty/],
    ['wrong feature count', [[0, 1, 2], [1, 0, 2], [1, 1, 2], [0, 0, 2]], Y, my.ShapeError, /x must have shape \[n, 2\], got \[4, 3\]/],
    ['row counts differ', X, [0, 1, 2], my.ShapeError, /fit: y has 3 rows but fit: x has 4/],
    ['label out of range', X, [0, 1, 3, 1], my.ValueError, /y\[2\] = 3 is not a class index.*\[0, 2\]/],
    ['fractional label', X, [0, 1.5, 2, 1], my.ValueError, /y\[1\] = 1.5/],
    ['ragged x', [[0, 1], [1]], [0, 1], my.ShapeError, /ragged/],
    ['x of the wrong type', 'abc', Y, my.ValueError, /fit: x must be a Tensor, nested arrays/],
    ['{ data, shape } with a wrong size', { data: new Float32Array(5), shape: [4, 2] }, Y, my.ShapeError, /holds 8 values but 5/],
  ])('%s', async (_name, x, y, type, message) => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(m.fit(x as never, y as never, { verbose: 0 })).rejects.toThrow(type as never);
    await expect(m.fit(x as never, y as never, { verbose: 0 })).rejects.toThrow(message as RegExp);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    await stillWorks(m);
  });

  test.each([
    [{ epochs: 0 }, /epochs must be an integer >= 1, got 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer >= 1, got 2.5/],
    [{ validationSplit: 1 }, /validationSplit must be a number in \[0, 1\), got 1/],
    [{ validationSplit: 0.9 }, /leaves 0 for training and 4 for validation/],
    [{ verbose: 3 }, /verbose must be 0, 1 or 2/],
    [{ sampleWeight: [1, 1] }, /sampleWeight must hold one weight per sample \(4\), got 2/],
    [{ classWeight: { a: 1 } }, /classWeight keys/],
    [{ validationData: [X] }, /validationData must be \[xVal, yVal\]/],
    [{ callbacks: [42] }, /callbacks\[0\] must be a Callback/],
  ])('option %j', async (options, message) => {
    const m = model();
    await expect(m.fit(X, Y, { verbose: 0, ...(options as object) })).rejects.toThrow(message);
    await stillWorks(m);
  });

  test('an error thrown by a callback mid-training leaves the model usable and not training', async () => {
    const m = model();
    await expect(m.fit(X, Y, { epochs: 3, verbose: 0, callbacks: [{ onEpochEnd: (e: number) => { if (e === 1) throw new Error('boom'); } }] })).rejects.toThrow('boom');
    expect(m.isTraining).toBe(false);
    await stillWorks(m);
  });

  test('fit before compile is a ModelStateError', async () => {
    const m = my.sequential([my.layers.dense({ units: 1, inputShape: [2] })]);
    await expect(m.fit(X, [1, 2, 3, 4], { verbose: 0 })).rejects.toThrow(my.ModelStateError);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.fit(X, [1, 2, 3, 4], { verbose: 0 });
  });

  test('y shaped unlike the output for a dense-target loss is a ShapeError', async () => {
    const m = my.sequential([my.layers.dense({ units: 2, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit(X, [1, 2, 3, 4], { verbose: 0 })).rejects.toThrow(/y must have shape \[4, 2\].*got \[4\]/);
  });
});

describe('evaluate, predict, compile, weights', () => {
  test('evaluate and predict reject bad data with typed errors', async () => {
    const m = model();
    expect(() => m.evaluate([[Number.NaN, 0]], [0])).toThrow(/evaluate: x contains NaN at row 0, column 0/);
    expect(() => m.evaluate(X, [0, 1, 5, 1])).toThrow(/evaluate: y\[2\] = 5/);
    expect(() => m.evaluate(X, Y, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => m.predict([[1, 2, 3]])).toThrow(my.ShapeError);
    expect(() => m.predict([])).toThrow(/predict: x must not be empty/);
    expect(() => m.predict([[0, Number.NaN]])).toThrow(/row 0, column 1/);
    // Infinity and -Infinity sum to NaN: still found and named.
    expect(() => m.predict([[Infinity, -Infinity]])).toThrow(/predict: x contains Infinity at row 0, column 0/);
    // Finite values whose sum overflows float32 (the check sums x first) are accepted.
    expect(m.predict([[3e38, 3e38], [0, 1]]).shape).toEqual([2, 3]);
    const disposed = my.tensor(X);
    disposed.dispose();
    expect(() => m.predict(disposed)).toThrow(/disposed/);
    await stillWorks(m);
  });

  test('compile rejects unknown names and missing pieces', () => {
    const m = model();
    expect(() => m.compile({ optimizer: 'nadamax', loss: 'mse' })).toThrow(my.ValueError);
    expect(() => m.compile({ optimizer: 'adam', loss: 'hingeLoss' })).toThrow(my.ValueError);
    expect(() => m.compile({ optimizer: 'adam' } as never)).toThrow(/loss is required/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: 'accuracy' as never })).toThrow(/metrics must be an array/);
    expect(() => my.sequential([]).compile({ optimizer: 'adam', loss: 'mse' })).toThrow(my.ModelStateError);
    expect(() => my.sequential(['dense'] as never)).toThrow(/must be a Layer/);
  });

  test('setWeights checks count and shapes before changing anything', () => {
    const m = model();
    const ws = m.getWeights();
    expect(() => m.setWeights(ws.slice(1))).toThrow(/has 4 weights, got 3/);
    const swapped = [ws[0], ws[1], my.zeros([3, 4]), ws[3]];
    expect(() => m.setWeights(swapped)).toThrow(my.ShapeError);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(ws.map((w) => Array.from(w.dataSync())));
  });
});
