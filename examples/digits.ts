/**
 * Handwritten digits (8x8 pixels, 10 classes) shipped with myelin: a stratified split, a StandardScaler
 * fitted on the training part only, a 64-unit ReLU hidden layer with a softmax output, Adam.
 * Run: `npx tsc && node dist/examples/digits.js`.
 */
import * as my from '../lib/index';

async function main(): Promise<void> {
  const { x, y, classNames } = my.data.loadDataset('digits');
  const { xTrain, xTest, yTrain, yTest } = my.data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: true });

  // Fit the scaler on the training data only, then apply the same statistics to the test data.
  const scaler = new my.scalers.StandardScaler();
  const xTrainScaled = scaler.fitTransform(xTrain);
  const xTestScaled = scaler.transform(xTest);

  my.setSeed(0);
  const model = my.sequential([
    my.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    my.layers.dense({ units: classNames!.length, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

  const start = Date.now();
  await model.fit(xTrainScaled, yTrain, { epochs: 50, batchSize: 32, validationSplit: 0.1, verbose: 2, seed: 0 });
  const [loss, accuracy] = model.evaluate(xTestScaled, yTest) as number[];
  console.log(`test loss ${loss.toFixed(4)}, test accuracy ${accuracy.toFixed(4)} in ${((Date.now() - start) / 1000).toFixed(1)} s on ${my.backendInfo().backend}`);

  // The scaler is part of the model's input pipeline: keep it next to the weights.
  const json = JSON.stringify(scaler.toJSON());
  const restored = my.scalers.fromJSON(json);
  const first = restored.transform(my.tensor(xTest.dataSync().slice(0, 64), [1, 64]));
  const probs = model.predict(first).dataSync();
  const guess = probs.indexOf(Math.max(...probs));
  console.log(`first test digit: predicted ${guess}, true ${yTest.dataSync()[0]}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
