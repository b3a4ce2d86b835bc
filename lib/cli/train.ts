/** The work of `myelin train`: load, split, scale, build, fit, evaluate, report, save. */
import * as fs from 'fs';
import * as path from 'path';
import { backendInfo } from '../backend/select';
import { loadDataset } from '../data/datasets';
import { readCsv, type CsvTable } from '../data/csv';
import { Preprocessor } from '../preprocessing/preprocessor';
import { trainTestSplit } from '../data/split';
import { ValueError } from '../errors';
import { dense } from '../layers/dense';
import { sequential } from '../models/sequential';
import { reshape } from '../ops/reshape';
import { getOptimizer } from '../optimizers/registry';
import { StandardScaler } from '../scalers/standard-scaler';
import { setSeed } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { saveModelAsync } from '../io/model-io-async';
import { UsageError, type TrainArgs } from './args';

const CLASSIFICATION = ['sparseCategoricalCrossentropy', 'binaryCrossentropy'];

/** What `runTrain` reports. */
export interface TrainSummary {
  task: 'classification' | 'regression';
  /** Test accuracy (classification) or null. */
  testAccuracy: number | null;
  /** Test loss. */
  testLoss: number;
  backend: string;
  seconds: number;
}

function load(args: TrainArgs): { x: Tensor; y: Tensor; source: string; table: CsvTable | null } {
  if (args.data === null) {
    const d = loadDataset('digits');
    return { x: d.x, y: d.y, source: 'digits (shipped, 1797 samples of 8x8 pixels, 10 classes)', table: null };
  }
  try {
    const t = readCsv(args.data, { target: args.target });
    const strings = Object.keys(t.encoders);
    const encoded = strings.length === 0 ? '' : `; string columns encoded: ${strings.map((c) => (c === t.targetName ? `${c} -> class index (${(t.classNames ?? []).slice(0, 10).join(', ')})` : `${c} -> one-hot`)).join(', ')}`;
    return { x: t.x, y: t.y!, source: `${args.data} (${t.x.shape[0]} rows, ${t.x.shape[1]} features, target ${t.targetName}${encoded})`, table: t };
  } catch (err) {
    if (err instanceof ValueError) throw new UsageError(err.message);
    throw err;
  }
}

/** Writes `value` as JSON to `name` in `folder` (through a temporary file and a rename); returns the path. */
function writeJsonBeside(folder: string, name: string, value: unknown): string {
  const file = path.join(folder, name);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value));
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Classification when the target holds non-negative integers with at most 50 distinct values. */
function chooseLoss(args: TrainArgs, y: Float32Array): string {
  if (args.loss !== null) return args.loss;
  const distinct = new Set(y);
  const labels = y.every((v) => Number.isInteger(v) && v >= 0) && distinct.size <= 50;
  return labels ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
}

/** Trains as `args` say, writing human-readable lines to `print`. */
export async function runTrain(args: TrainArgs, print: (line: string) => void, stream: { write(s: string): unknown } = process.stdout): Promise<TrainSummary> {
  const start = process.hrtime.bigint();
  const { x, y, source, table } = load(args);
  const yValues = y.dataSync();
  const loss = chooseLoss(args, yValues);
  const classification = CLASSIFICATION.includes(loss);
  let units = 1;
  if (classification) {
    const bad = yValues.findIndex((v) => !Number.isInteger(v) || v < 0);
    if (bad >= 0) throw new UsageError(`--loss ${loss} needs class indices 0, 1, 2, ... in the target, got ${yValues[bad]} in row ${bad}`);
    const k = Math.max(...yValues) + 1;
    if (loss === 'binaryCrossentropy' && k > 2) throw new UsageError(`--loss binaryCrossentropy needs a 0/1 target, got ${k} classes`);
    units = loss === 'binaryCrossentropy' ? 1 : k;
  }
  print(`data: ${source}`);
  print(`task: ${classification ? `classification, ${loss === 'binaryCrossentropy' ? 2 : units} classes` : 'regression'} (loss ${loss})`);
  const split = trainTestSplit(x, y, { testSize: args.testSize, seed: args.seed, stratify: classification });
  const scaler = new StandardScaler();
  const xTrain = scaler.fitTransform(split.xTrain);
  const xTest = scaler.transform(split.xTest);
  const column = (t: Tensor) => (classification && loss !== 'binaryCrossentropy' ? t : reshape(t, [t.shape[0], 1]));
  const yTrain = column(split.yTrain);
  const yTest = column(split.yTest);
  setSeed(args.seed);
  const layers = args.hidden.map((n, i) => dense({ units: n, activation: 'relu', ...(i === 0 ? { inputShape: [x.shape[1]] } : {}) }));
  const outActivation = loss === 'binaryCrossentropy' ? 'sigmoid' : classification ? 'softmax' : 'linear';
  layers.push(dense({ units, activation: outActivation, ...(layers.length === 0 ? { inputShape: [x.shape[1]] } : {}) }));
  const model = sequential(layers);
  const metrics = classification ? ['accuracy'] : ['mae'];
  model.compile({ optimizer: getOptimizer({ className: args.optimizer, config: { learningRate: args.lr } }), loss, metrics });
  print(`model: ${[x.shape[1], ...args.hidden, units].join(' -> ')} (${model.countParams()} parameters), ${args.optimizer} lr ${args.lr}, batch ${args.batchSize}, ${args.epochs} epochs`);
  print(`train ${split.trainIndices.length} samples, test ${split.testIndices.length}`);
  const t0 = process.hrtime.bigint();
  await model.fit(xTrain, yTrain, { epochs: args.epochs, batchSize: args.batchSize, seed: args.seed, verbose: args.verbose, progressStream: stream });
  const fitSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const [testLoss, metric] = model.evaluate(xTest, yTest, { batchSize: 256 }) as number[];
  const info = backendInfo();
  const backend = info.blas ? `${info.backend} (${info.blas.library}, ${info.device})` : `${info.backend} (${info.device})`;
  print(classification ? `test accuracy: ${metric.toFixed(4)}  test loss: ${testLoss.toFixed(4)}` : `test loss (${loss}): ${testLoss.toFixed(4)}  test mae: ${metric.toFixed(4)}`);
  print(`backend: ${backend}`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  print(`time: fit ${fitSeconds.toFixed(2)} s, total ${seconds.toFixed(2)} s`);
  if (args.save !== null) {
    await saveModelAsync(model, args.save);
    // The model expects standardized inputs: keep the scaler beside it (my.scalers.fromJSON reads it back), and for a
    // CSV the whole way from raw rows (string columns included) to inputs and from outputs to labels.
    const scalerFile = writeJsonBeside(args.save, 'scaler.json', scaler.toJSON());
    print(`saved to ${args.save} (load with await myelin.loadModel(${JSON.stringify(args.save)}); inputs must be standardized with the scaler saved as ${scalerFile}: myelin.scalers.fromJSON(JSON.parse(fs.readFileSync(...))))`);
    if (table !== null) {
      const file = Preprocessor.fromTable(table, scaler).save(args.save);
      print(`raw rows: myelin.preprocessing.Preprocessor.load(${JSON.stringify(args.save)}) reads ${file} (columns, encoders of string columns, scaler, labels): model.predict(pre.transform(rows)), pre.decode(output)`);
    }
  }
  model.dispose();
  return { task: classification ? 'classification' : 'regression', testAccuracy: classification ? metric : null, testLoss, backend: info.backend, seconds };
}
