/**
 * XOR, the classic: 2 inputs, one hidden layer of 10 ReLU units, a sigmoid output, Adam and binary
 * cross-entropy. Run: `npx tsc && node dist/examples/xor-binary-classifier.js`.
 */
import * as my from '../lib/index';

async function main(): Promise<void> {
  my.setSeed(42);
  const x = my.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = my.tensor([[0], [1], [1], [0]]);

  const model = my.sequential([
    my.layers.dense({ units: 10, activation: 'relu', inputShape: [2] }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  model.summary();

  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
  const last = history.history.loss.length - 1;
  console.log(`after ${last + 1} epochs: loss ${history.history.loss[last].toFixed(4)}, accuracy ${history.history.accuracy[last]}`);

  const p = model.predict(x).dataSync();
  for (const [i, [a, b]] of [[0, 0], [0, 1], [1, 0], [1, 1]].entries()) {
    console.log(`${a} XOR ${b} -> ${p[i].toFixed(3)} (${p[i] > 0.5 ? 1 : 0})`);
  }
  console.log(`backend: ${my.backendInfo().backend}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
