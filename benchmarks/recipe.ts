/**
 * The reference recipe of the shipped classification data sets (data/README.md of the project's data
 * source): 80/20 stratified split with seed 0, StandardScaler fitted on the training part, one hidden
 * layer of 64 ReLU units, softmax output, Adam (learning rate 1e-3), batch 32, 200 epochs.
 * Used by the convergence tests and by benchmarks/recipe-fit.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../lib/index';

/** Test accuracy a widely used Python MLP reaches with this recipe (data README). */
export const REFERENCE_ACCURACY = { iris: 0.967, wine: 1.0, breast_cancer: 0.956, digits: 0.975 } as const;
/** The classification sets of the recipe. */
export type RecipeDataset = keyof typeof REFERENCE_ACCURACY;

/** Options of {@link runRecipe}. */
export interface RecipeOptions {
  /**
   * 'sklearn' (default): the exact split the reference accuracies were measured on (sklearn
   * train_test_split, random_state 0, stored in benchmarks/sklearn-splits.json); 'myelin': our own
   * `data.trainTestSplit` with `splitSeed`.
   */
  split?: 'sklearn' | 'myelin';
  /** Seed of the split with split 'myelin' (default 0). */
  splitSeed?: number;
  /** Seed of the weight initialisation and the shuffling (default 0). */
  seed?: number;
  /** Epochs (default 200). */
  epochs?: number;
}

/** What {@link runRecipe} measured. */
export interface RecipeResult {
  dataset: RecipeDataset;
  /** Accuracy on the 20 % test part. */
  accuracy: number;
  /** Number of test samples. */
  testSize: number;
  /** Wall-clock seconds of `fit` alone. */
  fitSeconds: number;
  /** Loss of the last epoch. */
  finalLoss: number;
  /** The sample indices of the two parts. */
  trainIndices: number[];
  testIndices: number[];
}

/** The split of the reference (sklearn 1.2.1, random_state 0, stratified), by data set. */
export function sklearnSplit(dataset: RecipeDataset): { train: number[]; test: number[] } {
  const file = path.resolve(__dirname, 'sklearn-splits.json');
  const src = fs.existsSync(file) ? file : path.resolve(__dirname, '../../benchmarks/sklearn-splits.json');
  return JSON.parse(fs.readFileSync(src, 'utf8'))[dataset];
}

function rows(x: my.Tensor, idx: number[]): my.Tensor {
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  const src = x.dataSync();
  const out = new Float32Array(idx.length * cols);
  idx.forEach((r, i) => out.set(src.subarray(r * cols, (r + 1) * cols), i * cols));
  return my.tensor(out, x.shape.length === 2 ? [idx.length, cols] : [idx.length]);
}

/** Trains the reference recipe on one data set and returns its test accuracy and fit time. */
export async function runRecipe(dataset: RecipeDataset, options: RecipeOptions = {}): Promise<RecipeResult> {
  const { x, y, classNames } = my.data.loadDataset(dataset);
  let split: { xTrain: my.Tensor; xTest: my.Tensor; yTrain: my.Tensor; yTest: my.Tensor; trainIndices: number[]; testIndices: number[] };
  if ((options.split ?? 'sklearn') === 'sklearn') {
    const { train, test } = sklearnSplit(dataset);
    split = { xTrain: rows(x, train), xTest: rows(x, test), yTrain: rows(y, train), yTest: rows(y, test), trainIndices: train, testIndices: test };
  } else {
    split = my.data.trainTestSplit(x, y, { testSize: 0.2, seed: options.splitSeed ?? 0, stratify: true });
  }
  const scaler = new my.scalers.StandardScaler();
  const xTrain = scaler.fitTransform(split.xTrain);
  const xTest = scaler.transform(split.xTest);
  my.setSeed(options.seed ?? 0);
  const model = my.sequential([
    my.layers.dense({ units: 64, activation: 'relu', inputShape: [x.shape[1]] }),
    my.layers.dense({ units: classNames!.length, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = process.hrtime.bigint();
  const history = await model.fit(xTrain, split.yTrain, { epochs: options.epochs ?? 200, batchSize: 32, verbose: 0, seed: options.seed ?? 0 });
  const fitSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const [, accuracy] = model.evaluate(xTest, split.yTest, { batchSize: 256 }) as number[];
  const losses = history.history.loss;
  const result = { dataset, accuracy, testSize: split.testIndices.length, fitSeconds, finalLoss: losses[losses.length - 1], trainIndices: split.trainIndices, testIndices: split.testIndices };
  model.dispose();
  for (const t of [x, y, split.xTrain, split.xTest, split.yTrain, split.yTest, xTrain, xTest]) t.dispose();
  return result;
}
