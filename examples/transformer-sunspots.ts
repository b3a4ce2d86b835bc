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

/** Test mean absolute error (sunspot units) after `epochs`, and the persistence baseline's (next = last year). */
export async function runSunspots(options: { epochs?: number; seed?: number } = {}): Promise<{ mae: number; persistence: number; train: number; test: number }> {
  const { epochs = 150, seed = 0 } = options;
  const series = loadSunspots();
  const n = series.length - WINDOW;
  const nTrain = Math.floor(n * 0.8);
  const ys = series.slice(WINDOW);
  const trainY = ys.slice(0, nTrain);
  const mean = trainY.reduce((a, b) => a + b, 0) / nTrain;
  const std = Math.sqrt(trainY.reduce((a, b) => a + (b - mean) ** 2, 0) / nTrain);
  const windows = (from: number, to: number) => {
    const out = new Float32Array((to - from) * WINDOW);
    for (let i = from; i < to; i++) for (let t = 0; t < WINDOW; t++) out[(i - from) * WINDOW + t] = (series[i + t] - mean) / std;
    return my.tensor(out, [to - from, WINDOW, 1]);
  };
  const target = (from: number, to: number) => my.tensor(Float32Array.from(ys.slice(from, to), (v) => (v - mean) / std), [to - from, 1]);
  my.setSeed(seed);
  const model = forecaster();
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  await model.fit(windows(0, nTrain), target(0, nTrain), { epochs, batchSize: 32, verbose: 0, seed });
  const pred = (model.predict(windows(nTrain, n)) as my.Tensor).dataSync();
  let mae = 0, persistence = 0;
  for (let i = nTrain; i < n; i++) {
    mae += Math.abs(pred[i - nTrain] * std + mean - ys[i]);
    persistence += Math.abs(series[i + WINDOW - 1] - ys[i]);
  }
  return { mae: mae / (n - nTrain), persistence: persistence / (n - nTrain), train: nTrain, test: n - nTrain };
}

async function main(): Promise<void> {
  const start = Date.now();
  const r = await runSunspots();
  console.log(`sunspots (${r.train} train, ${r.test} test years): test MAE ${r.mae.toFixed(2)}, persistence baseline ${r.persistence.toFixed(2)} ` +
    `(${((Date.now() - start) / 1000).toFixed(1)} s on ${my.backendInfo().backend})`);
}

if (require.main === module) void main();
