/**
 * An LSTM forecaster on real data: the yearly sunspot numbers 1700-2008 (data/sunspots.csv, from Debian's
 * python3-statsmodels), the split of examples/transformer-sunspots.ts: the 16 previous years predict the next one,
 * the first 80% of the windows (in time order) train, the last 59 years test. Model: lstm 32 units over the window,
 * its last output into dense 1; Adam 2e-3, mean squared error on standardized values, batch 32, 100 epochs.
 * `python3 benchmarks/python/sunspots_torch.py 3 lstm` trains the same model with nn.LSTM on the same split.
 * Run: `npm run build:ts && node dist/examples/lstm-sunspots.js`.
 */
import * as my from '../lib/index';
import { WINDOW, scoreSunspots, sunspotsSplit } from './transformer-sunspots';

/** The LSTM forecaster for windows of `window` steps of one value. */
export function lstmForecaster(window = WINDOW): my.Sequential {
  return my.sequential([my.layers.lstm({ units: 32, inputShape: [window, 1] }), my.layers.dense({ units: 1 })]);
}

/** Test mean absolute error (sunspot units) after `epochs`, and the persistence baseline's. */
export async function runLstmSunspots(options: { epochs?: number; seed?: number } = {}): Promise<{ mae: number; persistence: number; train: number; test: number }> {
  const { epochs = 100, seed = 0 } = options;
  const split = sunspotsSplit();
  my.setSeed(seed);
  const model = lstmForecaster();
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 2e-3 }), loss: 'meanSquaredError' });
  await model.fit(split.trainX, split.trainY, { epochs, batchSize: 32, verbose: 0, seed });
  return { ...scoreSunspots(model, split), train: split.train, test: split.test };
}

async function main(): Promise<void> {
  const start = Date.now();
  const r = await runLstmSunspots();
  console.log(`sunspots LSTM (${r.train} train, ${r.test} test years): test MAE ${r.mae.toFixed(2)}, persistence baseline ${r.persistence.toFixed(2)} ` +
    `(${((Date.now() - start) / 1000).toFixed(1)} s on ${my.backendInfo().backend})`);
}

if (require.main === module) void main();
