/**
 * End-to-end training on XOR-like data (the label is 1 when the two features have the same sign):
 * 2 inputs, 10 ReLU units, a sigmoid output, Adam, binary cross-entropy. A linear model cannot beat
 * ~50% here, so high accuracy shows that the hidden layer, its gradients and the optimizer work together.
 */
import * as my from '../../lib/index';

function xorData(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = new my.Random(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    x.push([a, b]);
    y.push(a * b > 0 ? 1 : 0);
  }
  return { x, y };
}

test('2-10-1 ReLU/sigmoid network learns XOR-like data with Adam and binary cross-entropy', async () => {
  my.setSeed(1);
  const { x, y } = xorData(400, 7);
  const model = my.sequential([
    my.layers.dense({ units: 10, activation: 'relu', inputShape: [2] }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0, seed: 3 });
  expect(history.epoch).toHaveLength(60);
  expect(history.history.loss[59]).toBeLessThan(history.history.loss[0] * 0.5);
  const test = xorData(200, 99);
  const [loss, acc] = model.evaluate(test.x, test.y) as number[];
  expect(acc).toBeGreaterThan(0.9);
  expect(loss).toBeLessThan(0.35);
});
