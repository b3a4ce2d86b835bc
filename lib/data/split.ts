/** trainTestSplit: a seeded, optionally stratified split of samples into a training and a test part. */
import { tensor } from '../ops/creation';
import { ShapeError, ValueError, describe } from '../errors';
import { generatorFor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { checkOptions, optionKeys } from '../options/strict';
import { toMatrix, type Matrix, type MatrixLike } from './matrix';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) or a sample count of the test part (default 0.2). The test part gets ceil(testSize * n) samples. */
  testSize?: number;
  /** Seed of the shuffle; without one the global generator (`setSeed`) is used. */
  seed?: number;
  /** Keep class proportions: `true` stratifies on `y`, or give the class labels (one per sample). Default false. */
  stratify?: boolean | MatrixLike | number[];
  /** Shuffle before splitting (default true). Without shuffle the last samples form the test part. */
  shuffle?: boolean;
}

const SPLIT_KEYS = optionKeys<TrainTestSplitOptions>({ testSize: true, seed: true, stratify: true, shuffle: true });

/** The parts {@link trainTestSplit} returns, with the sample indices each part took from the input. */
export interface TrainTestSplit {
  xTrain: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
  trainIndices: number[];
  testIndices: number[];
}

/**
 * Splits samples (rows of `x` and `y`) into a training and a test part, like sklearn's `train_test_split`.
 * With `stratify`, each class gets round(share * nTest) test samples (largest remainders fill the rest), so
 * both parts keep the class proportions. Both parts are shuffled. The same seed gives the same split.
 * @throws ShapeError when x and y have different sample counts; ValueError for a bad testSize.
 */
export function trainTestSplit(x: MatrixLike, y: MatrixLike | number[], options: TrainTestSplitOptions = {}): TrainTestSplit {
  checkOptions('trainTestSplit', options, SPLIT_KEYS);
  const mx = toMatrix(x, 'trainTestSplit: x');
  const my = toMatrix(y, 'trainTestSplit: y');
  const n = mx.rows;
  if (my.rows !== n) throw new ShapeError(`trainTestSplit: x has ${n} samples but y has ${my.rows}`);
  const testSize = options.testSize ?? 0.2;
  let nTest: number;
  if (typeof testSize === 'number' && testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (typeof testSize === 'number' && Number.isInteger(testSize) && testSize >= 1 && testSize < n) nTest = testSize;
  else throw new ValueError(`trainTestSplit: testSize must be a fraction in (0, 1) or an integer in [1, ${n - 1}], got ${describe(testSize)}`);
  if (n - nTest < 1) throw new ValueError(`trainTestSplit: testSize ${testSize} leaves no training sample out of ${n}`);
  const rng = generatorFor(options.seed);
  const shuffle = options.shuffle ?? true;
  let testIdx: number[];
  let trainIdx: number[];
  if (options.stratify !== undefined && options.stratify !== false) {
    if (!shuffle) throw new ValueError('trainTestSplit: stratify needs shuffle: true');
    const labels = options.stratify === true ? my : toMatrix(options.stratify, 'trainTestSplit: stratify');
    if (labels.rows !== n || labels.cols !== 1) {
      throw new ShapeError(`trainTestSplit: stratify needs one label per sample (${n}), got shape [${labels.shape.join(', ')}]`);
    }
    ({ testIdx, trainIdx } = stratified(labels, nTest, rng));
  } else {
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) rng.shuffle(order);
    trainIdx = order.slice(0, n - nTest);
    testIdx = order.slice(n - nTest);
  }
  return {
    xTrain: take(mx, trainIdx), xTest: take(mx, testIdx),
    yTrain: take(my, trainIdx), yTest: take(my, testIdx),
    trainIndices: trainIdx, testIndices: testIdx,
  };
}

function stratified(labels: Matrix, nTest: number, rng: ReturnType<typeof generatorFor>): { testIdx: number[]; trainIdx: number[] } {
  const n = labels.rows;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels.data[i];
    if (Number.isNaN(c)) throw new ValueError(`trainTestSplit: stratify label ${i} is NaN`);
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(i);
  }
  const classes = [...groups.keys()].sort((a, b) => a - b);
  // Per class: floor of its exact share, then the largest remainders get one more (ties: the larger class first).
  const exact = classes.map((c) => (groups.get(c)!.length * nTest) / n);
  const alloc = exact.map(Math.floor);
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  const order = classes.map((_, k) => k).sort((a, b) => (exact[b] - alloc[b]) - (exact[a] - alloc[a]) || groups.get(classes[b])!.length - groups.get(classes[a])!.length || a - b);
  for (const k of order) {
    if (left === 0) break;
    if (alloc[k] < groups.get(classes[k])!.length) { alloc[k]++; left--; }
  }
  const testIdx: number[] = [];
  const trainIdx: number[] = [];
  classes.forEach((c, k) => {
    const members = groups.get(c)!.slice();
    rng.shuffle(members);
    testIdx.push(...members.slice(0, alloc[k]));
    trainIdx.push(...members.slice(alloc[k]));
  });
  rng.shuffle(testIdx);
  rng.shuffle(trainIdx);
  return { testIdx, trainIdx };
}

function take(m: Matrix, idx: number[]): Tensor {
  const out = new Float32Array(idx.length * m.cols);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r] * m.cols;
    for (let c = 0; c < m.cols; c++) out[r * m.cols + c] = m.data[src + c];
  }
  return tensor(out, m.shape.length === 1 ? [idx.length] : [idx.length, m.cols]);
}
