/**
 * A transformer forecaster on real data: the yearly sunspot numbers 1700-2008 (data/sunspots.csv, from Debian's
 * python3-statsmodels). The 16 previous years predict the next one; the first 80% of the windows (in time order)
 * train, the last 20% (59 years) test. Model (functional API): dense 32 per step + positionEmbedding, one encoder
 * block (multiHeadAttention 4 heads x 8, add, layerNormalization, dense 64 relu, dense 32, add,
 * layerNormalization), flatten, dense 1; Adam 1e-3, mean squared error on standardized values, batch 32.
 * benchmarks/python/sunspots_torch.py trains the same model with nn.TransformerEncoderLayer on the same split.
 * Run: `npm run build:ts && node dist/examples/transformer-sunspots.js`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../lib/index';

export const WINDOW = 16;

/** data/sunspots.csv of the repository (found from this file, in examples/ or dist/examples/). */
export function sunspotsPath(): string {
  for (const up of ['..', '../..']) {
    const file = path.join(__dirname, up, 'data', 'sunspots.csv');
    if (fs.existsSync(file)) return file;
  }
  throw new my.ValueError('sunspots: data/sunspots.csv not found next to examples/');
}

/** The yearly series (309 values, 1700-2008). */
export function loadSunspots(file = sunspotsPath()): number[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l, i) => {
    const v = Number(l.split(',')[1]);
    if (!Number.isFinite(v)) throw new my.ValueError(`sunspots: line ${i + 2} of ${file} has no number: ${l}`);
    return v;
  });
}

/** The encoder-block forecaster for windows of `window` steps of one value. */
export function forecaster(window = WINDOW): my.Model {
  const x = my.input({ shape: [window, 1] });
  const e = my.layers.dense({ units: 32 }).apply(x);
  const h0 = my.layers.add().apply([e, my.layers.positionEmbedding({ sequenceLength: window }).apply(e)]);
  const a = my.layers.multiHeadAttention({ numHeads: 4, keyDim: 8 }).apply([h0, h0]);
  const h1 = my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([h0, a]));
  const f = my.layers.dense({ units: 32 }).apply(my.layers.dense({ units: 64, activation: 'relu' }).apply(h1));
  const h2 = my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([h1, f]));
  return my.model({ inputs: x, outputs: my.layers.dense({ units: 1 }).apply(my.layers.flatten().apply(h2)) });
}

/** The split of the series into windows: standardized train / test tensors and what scoring needs. */
export interface SunspotsSplit {
  trainX: my.Tensor; trainY: my.Tensor; testX: my.Tensor;
  /** The raw test targets and the last year of each test window (the persistence forecast). */
  testTargets: number[]; lastYears: number[];
  mean: number; std: number; train: number; test: number;
}

/**
 * Windows of `window` years predict the next year; the first 80% of the windows (in time order) train, the rest
 * test; values standardized by the training targets' mean and (biased) standard deviation.
 */
export function sunspotsSplit(window = WINDOW): SunspotsSplit {
  const series = loadSunspots();
  const n = series.length - window;
  const nTrain = Math.floor(n * 0.8);
  const ys = series.slice(window);
  const trainY = ys.slice(0, nTrain);
  const mean = trainY.reduce((a, b) => a + b, 0) / nTrain;
  const std = Math.sqrt(trainY.reduce((a, b) => a + (b - mean) ** 2, 0) / nTrain);
  const windows = (from: number, to: number) => {
    const out = new Float32Array((to - from) * window);
    for (let i = from; i < to; i++) for (let t = 0; t < window; t++) out[(i - from) * window + t] = (series[i + t] - mean) / std;
    return my.tensor(out, [to - from, window, 1]);
  };
  return {
    trainX: windows(0, nTrain), trainY: my.tensor(Float32Array.from(trainY, (v) => (v - mean) / std), [nTrain, 1]),
    testX: windows(nTrain, n), testTargets: ys.slice(nTrain), lastYears: series.slice(nTrain + window - 1, n + window - 1),
    mean, std, train: nTrain, test: n - nTrain,
  };
}

/** Test mean absolute error (sunspot units) of `model` and of the persistence forecast (next = last year). */
export function scoreSunspots(model: my.Model, split: SunspotsSplit): { mae: number; persistence: number } {
  const pred = (model.predict(split.testX) as my.Tensor).dataSync();
  let mae = 0, persistence = 0;
  split.testTargets.forEach((y, i) => {
    mae += Math.abs(pred[i] * split.std + split.mean - y);
    persistence += Math.abs(split.lastYears[i] - y);
  });
  return { mae: mae / split.test, persistence: persistence / split.test };
}

/** Test mean absolute error (sunspot units) after `epochs`, and the persistence baseline's (next = last year). */
export async function runSunspots(options: { epochs?: number; seed?: number } = {}): Promise<{ mae: number; persistence: number; train: number; test: number }> {
  const { epochs = 150, seed = 0 } = options;
  const split = sunspotsSplit();
  my.setSeed(seed);
  const model = forecaster();
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  await model.fit(split.trainX, split.trainY, { epochs, batchSize: 32, verbose: 0, seed });
  return { ...scoreSunspots(model, split), train: split.train, test: split.test };
}

async function main(): Promise<void> {
  const start = Date.now();
  const r = await runSunspots();
  console.log(`sunspots (${r.train} train, ${r.test} test years): test MAE ${r.mae.toFixed(2)}, persistence baseline ${r.persistence.toFixed(2)} ` +
    `(${((Date.now() - start) / 1000).toFixed(1)} s on ${my.backendInfo().backend})`);
}

if (require.main === module) void main();
