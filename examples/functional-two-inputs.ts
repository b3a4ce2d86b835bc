/**
 * The functional API on breast_cancer: two inputs (the 10 "mean" and the 10 "worst" measurements), two dense
 * branches joined by `concatenate`, two outputs (the diagnosis, sigmoid + binary cross-entropy, and the radius
 * standard error, a regression), per-output losses, loss weights and metrics, data keyed by name, save/load.
 * Run: `npx tsc && node dist/examples/functional-two-inputs.js`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../lib/index';

function columns(x: my.Tensor, from: number, count: number): my.Tensor {
  return my.slice(x, [0, from], [x.shape[0], count]);
}

async function main(): Promise<void> {
  my.setSeed(0);
  const ds = my.data.loadDataset('breast_cancer');
  const split = my.data.trainTestSplit(ds.x, ds.y, { testSize: 0.2, seed: 0, stratify: true });
  const scaler = my.scalers.standardScaler().fit(split.xTrain);
  const train = scaler.transform(split.xTrain);
  const test = scaler.transform(split.xTest);
  const inputsOf = (x: my.Tensor) => ({ mean: columns(x, 0, 10), worst: columns(x, 20, 10) });
  const targetsOf = (x: my.Tensor, y: my.Tensor) => ({ diagnosis: y, radius_se: columns(x, 10, 1) });

  const mean = my.input({ shape: [10], name: 'mean' });
  const worst = my.input({ shape: [10], name: 'worst' });
  const a = my.layers.dense({ units: 16, activation: 'relu' }).apply(mean);
  const b = my.layers.dense({ units: 16, activation: 'relu' }).apply(worst);
  const h = my.layers.dense({ units: 32, activation: 'relu' }).apply(my.layers.concatenate().apply([a, b]));
  const diagnosis = my.layers.dense({ units: 1, activation: 'sigmoid', name: 'diagnosis' }).apply(h);
  const radius = my.layers.dense({ units: 1, name: 'radius_se' }).apply(h);
  const model = my.model({ inputs: [mean, worst], outputs: [diagnosis, radius], name: 'two_inputs' });
  model.compile({ optimizer: 'adam', loss: { diagnosis: 'binaryCrossentropy', radius_se: 'meanSquaredError' },
    lossWeights: { diagnosis: 1, radius_se: 0.5 }, metrics: { diagnosis: ['accuracy'] } });
  model.summary();

  const history = await model.fit(inputsOf(train), targetsOf(train, split.yTrain), { epochs: 60, batchSize: 32, verbose: 0 });
  console.log(`strategy: ${history.params.strategy} (${history.params.strategyReason})`);
  const [loss, accuracy] = model.evaluate(inputsOf(test), targetsOf(test, split.yTest)) as number[];
  console.log(`test loss ${loss.toFixed(4)}, diagnosis accuracy ${accuracy.toFixed(4)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-functional-'));
  model.save(dir);
  const again = my.loadModel<my.Model>(dir);
  const [p1] = model.predict(inputsOf(test)) as my.Tensor[];
  const [p2] = again.predict(inputsOf(test)) as my.Tensor[];
  console.log(`loaded model predicts the same: ${p1.dataSync().every((v, i) => v === p2.dataSync()[i])}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
