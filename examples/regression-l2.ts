/**
 * Regression on the diabetes data set (442 patients, 10 raw features, disease progression after a year):
 * mean squared error with an L2 penalty on the kernels, features and target standardized on the training
 * part. Run: `npx tsc && node dist/examples/regression-l2.js`.
 */
import * as my from '../lib/index';

async function main(): Promise<void> {
  const { x, y } = my.data.loadDataset('diabetes');
  const { xTrain, xTest, yTrain, yTest } = my.data.trainTestSplit(x, y, { testSize: 0.2, seed: 0 });

  const xScaler = new my.scalers.StandardScaler();
  const yScaler = new my.scalers.StandardScaler();
  const xTr = xScaler.fitTransform(xTrain);
  const xTe = xScaler.transform(xTest);
  const yTr = yScaler.fitTransform(my.reshape(yTrain, [yTrain.shape[0], 1]));

  my.setSeed(0);
  const l2 = my.regularizers.l2({ l2: 1e-3 });
  const model = my.sequential([
    my.layers.dense({ units: 32, activation: 'relu', inputShape: [10], kernelRegularizer: l2 }),
    my.layers.dense({ units: 1, kernelRegularizer: l2 }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError', metrics: ['mae'] });
  await model.fit(xTr, yTr, { epochs: 200, batchSize: 32, verbose: 0, seed: 0 });

  // Predictions back in the target's units.
  const pred = yScaler.inverseTransform(model.predict(xTe)).dataSync();
  const truth = yTest.dataSync();
  let se = 0;
  let ae = 0;
  let mean = 0;
  for (const v of truth) mean += v / truth.length;
  let ss = 0;
  truth.forEach((t, i) => { se += (pred[i] - t) ** 2; ae += Math.abs(pred[i] - t); ss += (t - mean) ** 2; });
  console.log(`test RMSE ${Math.sqrt(se / truth.length).toFixed(1)}, MAE ${(ae / truth.length).toFixed(1)}, R^2 ${(1 - se / ss).toFixed(3)} (backend ${my.backendInfo().backend})`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
