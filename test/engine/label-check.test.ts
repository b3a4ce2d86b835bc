/**
 * The label check of `fit` and `evaluateAsync` (lib/engine/label-check.ts), which reads the labels in parts with
 * turns of the event loop in between: a bad label past the first part is still found and named by its flat index
 * (placed there by hand), with the message of the synchronous `evaluate`, and an abort between two parts stops it.
 */
import * as my from '../../lib/index';

const ROWS = 7000;  // 70,000 one-hot values: two parts of 65,536

function oneHotModel(): my.Sequential {
  my.setSeed(4);
  const m = my.sequential([my.layers.dense({ units: 10, activation: 'softmax', inputShape: [4] })]);
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return m;
}

function oneHot(badIndex: number | null, badValue = 1.5): my.Tensor {
  const y = new Float32Array(ROWS * 10);
  for (let r = 0; r < ROWS; r++) y[r * 10 + (r % 10)] = 1;
  if (badIndex !== null) y[badIndex] = badValue;
  return my.tensor(y, [ROWS, 10]);
}

describe('label check in parts (fit, evaluateAsync)', () => {
  const x = my.randomUniform([ROWS, 4], { seed: 2 });
  afterAll(() => x.dispose());

  test('a label out of [0, 1] in the second part is named as the synchronous evaluate names it', async () => {
    const m = oneHotModel();
    const y = oneHot(6800 * 10 + 3);
    const expected = /y\[68003\] = 1\.5 is not a label in \[0, 1\]/;
    expect(() => m.evaluate(x, y)).toThrow(expected);
    await expect(m.evaluateAsync(x, y)).rejects.toThrow(expected);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(expected);
    await expect(m.fit(x, oneHot(null), { epochs: 1, verbose: 0, validationData: [x, y] })).rejects.toThrow(expected);
    expect(m.isTraining).toBe(false);
    y.dispose();
    m.dispose();
  });

  test('a sparse label out of range past the first part is named with its row', async () => {
    my.setSeed(5);
    const m = my.sequential([my.layers.dense({ units: 3, inputShape: [4] })]);
    m.compile({ optimizer: 'sgd', loss: my.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const rows = 70000;
    const labels = new Float32Array(rows).map((_, i) => i % 3);
    labels[68000] = 5;
    const xs = my.randomUniform([rows, 4], { seed: 3 });
    const y = my.tensor(labels, [rows]);
    await expect(m.evaluateAsync(xs, y)).rejects.toThrow(/y\[68000\] = 5 is not a class index.*\[0, 2\]/);
    await expect(m.fit(xs, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/y\[68000\] = 5 is not a class index/);
    xs.dispose(); y.dispose(); m.dispose();
  });

  test('valid labels pass, and an abort between two parts rejects evaluateAsync with an AbortError', async () => {
    const m = oneHotModel();
    const y = oneHot(null);
    const sync = m.evaluate(x, y) as number;
    expect(await m.evaluateAsync(x, y)).toBeCloseTo(sync, 6);
    const ac = new AbortController();
    const pending = m.evaluateAsync(x, y, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    y.dispose();
    m.dispose();
  });
});
