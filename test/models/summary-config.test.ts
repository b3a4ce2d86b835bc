/** summary(), getConfig / fromConfig and get/setWeights of the Sequential model. */
import * as my from '../../lib/index';

function build(): my.Sequential {
  my.setSeed(2);
  return my.sequential([
    my.layers.dense({ units: 8, activation: 'relu', inputShape: [4], name: 'hidden' }),
    my.layers.batchNormalization({ name: 'bn' }),
    my.layers.dropout({ rate: 0.2, name: 'drop' }),
    my.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ]);
}

test('summary prints a Keras-like table with output shapes, parameter counts and totals', () => {
  const lines: string[] = [];
  build().summary((l) => lines.push(l));
  const text = lines.join('\n');
  expect(text).toMatch(/hidden \(Dense\)\s+\(None, 8\)\s+40/);
  expect(text).toMatch(/bn \(BatchNormalization\)\s+\(None, 8\)\s+32/);
  expect(text).toMatch(/drop \(Dropout\)\s+\(None, 8\)\s+0/);
  expect(text).toMatch(/out \(Dense\)\s+\(None, 3\)\s+27/);
  // Keras counts: 40 + 32 + 27 = 99 total, moving mean/variance (16) are non-trainable.
  expect(text).toMatch(/Total params: 99/);
  expect(text).toMatch(/Trainable params: 83/);
  expect(text).toMatch(/Non-trainable params: 16/);
});

test('fromConfig(getConfig()) rebuilds the architecture; with setWeights it predicts the same', () => {
  const a = build();
  const cfg = JSON.parse(JSON.stringify(a.getConfig()));
  expect(cfg.inputShape).toEqual([4]);
  expect(cfg.layers.map((l: { className: string }) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
  const b = my.Sequential.fromConfig(cfg);
  b.setWeights(a.getWeights());
  const x = my.randomNormal([5, 4], { seed: 3 });
  const pa = a.predict(x).dataSync();
  const pb = b.predict(x).dataSync();
  expect(Array.from(pb)).toEqual(Array.from(pa));
  expect(b.compileConfig).toBeNull();
  a.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  expect(a.compileConfig).toMatchObject({ optimizer: { className: 'Adam' }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
});

test('a model without inputShape builds from the first data it sees', async () => {
  const m = my.sequential([my.layers.dense({ units: 2 }), my.layers.dense({ units: 1 })]);
  expect(m.inputShape).toBeNull();
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  await m.fit([[1, 2, 3]], [1], { verbose: 0 });
  expect(m.inputShape).toEqual([3]);
  expect(m.countParams()).toBe(3 * 2 + 2 + 2 + 1);
});

test('layers can be frozen: trainable false keeps their weights during fit', async () => {
  const m = build();
  m.layers[0].trainable = false;
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const frozen = Array.from(m.layers[0].getWeights()[0].dataSync());
  await m.fit(my.randomNormal([16, 4], { seed: 1 }), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { epochs: 2, verbose: 0 });
  expect(Array.from(m.layers[0].getWeights()[0].dataSync())).toEqual(frozen);
});
