/**
 * F1 / F-beta (average modes, threshold or argmax), top-k categorical accuracy (and sparse, ties as TensorFlow's
 * in_top_k), RMSE and R2: streamed over two batches, against Keras 3's formulas in NumPy over all rows
 * (test/metrics/keras_metrics.py, run here) and Keras's own docstring example; a plain function as a metric; the
 * fit path a metric puts a model on, with its recorded reason.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { randomValues } from '../helpers/gradcheck';
import { f1Score, fBetaScore, getMetric, r2Score, rootMeanSquaredError, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy, type Metric } from '../../lib/metrics/index';

beforeAll(() => my.setBackend('reference'));

const rows = (n: number, c: number, seed: number, lo = 0, hi = 1) => Array.from({ length: n }, (_, i) => Array.from(randomValues(c, seed + i, lo, hi)));
const oneHot = (n: number, c: number, seed: number) => rows(n, 1, seed).map(([v]) => Array.from({ length: c }, (_, j) => (j === Math.floor(v * c) ? 1 : 0)));
const multiLabel = (n: number, c: number, seed: number) => rows(n, c, seed).map((r) => r.map((v) => (v > 0.6 ? 1 : 0)));
// Predictions with ties: values rounded to tenths.
const tied = (n: number, c: number, seed: number) => rows(n, c, seed).map((r) => r.map((v) => Math.round(v * 10) / 10));

interface Case { name: string; metric: string; options?: Record<string, unknown>; yTrue: number[][]; yPred: number[][]; make: () => Metric }
const N = 14;
const C = 6;
const CAT_T = oneHot(N, C, 1);
const CAT_P = tied(N, C, 30);
const ML_T = multiLabel(N, C, 60);
const ML_P = rows(N, C, 90);
const SPARSE_T = CAT_T.map((r) => [r.indexOf(1)]);
const REG_T = rows(N, 3, 120, -2, 2);
const REG_P = REG_T.map((r, i) => r.map((v, j) => v + 0.5 * Math.sin(i + j)));
const CASES: Case[] = [
  { name: 'f1 macro, argmax', metric: 'f1Score', yTrue: CAT_T, yPred: CAT_P, make: () => f1Score() },
  { name: 'f1 micro, argmax', metric: 'f1Score', options: { average: 'micro' }, yTrue: CAT_T, yPred: CAT_P, make: () => f1Score({ average: 'micro' }) },
  { name: 'f1 weighted, argmax', metric: 'f1Score', options: { average: 'weighted' }, yTrue: CAT_T, yPred: CAT_P, make: () => f1Score({ average: 'weighted' }) },
  { name: 'f1 macro, multi-label threshold 0.5', metric: 'f1Score', options: { threshold: 0.5 }, yTrue: ML_T, yPred: ML_P, make: () => f1Score({ threshold: 0.5 }) },
  { name: 'f1 micro, multi-label threshold 0.3', metric: 'f1Score', options: { average: 'micro', threshold: 0.3 }, yTrue: ML_T, yPred: ML_P, make: () => f1Score({ average: 'micro', threshold: 0.3 }) },
  { name: 'f2 weighted, threshold 0.5', metric: 'fBetaScore', options: { average: 'weighted', threshold: 0.5, beta: 2 }, yTrue: ML_T, yPred: ML_P, make: () => fBetaScore({ average: 'weighted', threshold: 0.5, beta: 2 }) },
  { name: 'top-5 categorical (ties)', metric: 'topK', yTrue: CAT_T, yPred: CAT_P, make: () => topKCategoricalAccuracy() },
  { name: 'top-2 categorical (ties)', metric: 'topK', options: { k: 2 }, yTrue: CAT_T, yPred: CAT_P, make: () => topKCategoricalAccuracy({ k: 2 }) },
  { name: 'sparse top-2 (ties)', metric: 'sparseTopK', options: { k: 2 }, yTrue: SPARSE_T, yPred: CAT_P, make: () => sparseTopKCategoricalAccuracy({ k: 2 }) },
  { name: 'sparse top-1', metric: 'sparseTopK', options: { k: 1 }, yTrue: SPARSE_T, yPred: CAT_P, make: () => sparseTopKCategoricalAccuracy({ k: 1 }) },
  { name: 'rmse', metric: 'rmse', yTrue: REG_T, yPred: REG_P, make: () => rootMeanSquaredError() },
  { name: 'r2 uniform', metric: 'r2', yTrue: REG_T, yPred: REG_P, make: () => r2Score() },
  { name: 'r2 variance weighted', metric: 'r2', options: { classAggregation: 'varianceWeightedAverage' }, yTrue: REG_T, yPred: REG_P, make: () => r2Score({ classAggregation: 'varianceWeightedAverage' }) },
];

const torch = torchAvailable();
function references(): Record<string, number> {
  const r = spawnSync(torch.python, [path.join(__dirname, 'keras_metrics.py')], { input: JSON.stringify({ cases: CASES }), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`keras_metrics.py failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

describe('Keras 3 metrics, streamed over two batches', () => {
  const ref = references();
  test.each(CASES.map((c) => [c.name, c] as const))('%s = NumPy over all rows', (_, c) => {
    const m = c.make();
    const cut = 5;
    m.update(my.tensor(c.yTrue.slice(0, cut)), my.tensor(c.yPred.slice(0, cut)));
    m.update(my.tensor(c.yTrue.slice(cut)), my.tensor(c.yPred.slice(cut)));
    expect(Math.abs(m.result() - ref[c.name])).toBeLessThan(1e-6);
    m.reset();
    expect(m.result()).toBe(0);
  });
});

test('F1Score docstring example (threshold 0.5): per class [0.5, 0.8, 0.6666667]', () => {
  const m = f1Score({ threshold: 0.5 });
  m.update(my.tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]), my.tensor([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]));
  m.classScores().forEach((v, i) => expect(v).toBeCloseTo([0.5, 0.8, 2 / 3][i], 6));
  expect(m.result()).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 6);
});

test('names, bad options', () => {
  for (const n of ['f1Score', 'topKCategoricalAccuracy', 'sparseTopKCategoricalAccuracy', 'rmse', 'rootMeanSquaredError', 'r2Score']) expect(getMetric(n, 'mse').name).toBe(n);
  expect(() => f1Score({ average: 'samples' as never })).toThrow(/average must be 'micro', 'macro' or 'weighted'/);
  expect(() => f1Score({ threshold: 0 })).toThrow(/threshold must be a number in \(0, 1\]/);
  expect(() => topKCategoricalAccuracy({ k: 0 })).toThrow(/k must be an integer >= 1, got 0/);
  expect(() => r2Score({ classAggregation: 'raw' as never })).toThrow(my.ValueError);
  expect(() => f1Score().update(my.tensor([[1, 0]]), my.tensor([[1, 0, 0]]))).toThrow(my.ShapeError);
});

test('a plain function is a metric: the mean of its values, named after it', async () => {
  const m = getMetric(function absError(t, p) { return my.mean(my.abs(my.sub(p, t)), -1); }, 'mse');
  expect(m.name).toBe('absError');
  m.update(my.tensor([[0, 0], [1, 1]]), my.tensor([[1, 3], [1, 2]]));
  m.update(my.tensor([[0, 0]]), my.tensor([[4, 0]]));
  expect(m.result()).toBeCloseTo((2 + 0.5 + 2) / 3, 6);
  expect(() => getMetric((() => 3) as never, 'mse').update(my.tensor([[1]]), my.tensor([[1]]))).toThrow(/must return a Tensor/);

  my.setBackend('cpu');
  try {
    const cpuModel = my.sequential([my.layers.dense({ units: 3, inputShape: [2] })]);
    cpuModel.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['rmse', function maxError(t: my.Tensor, p: my.Tensor) { return my.max(my.abs(my.sub(p, t)), -1); }] });
    const h = await cpuModel.fit(rows(12, 2, 5), rows(12, 3, 7), { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'maxError', 'rmse']);
    // Metrics read every batch on the host: the compiled step replays, and the reason says why.
    expect(h.params.strategy).toBe('compiled-replay');
    expect(h.params.strategyReason).toMatch(/metrics need every batch in JavaScript/);
    cpuModel.dispose();
  } finally {
    my.setBackend('reference');
  }
  my.setSeed(2);
  const model = my.sequential([my.layers.dense({ units: 3, inputShape: [2] })]);
  model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['rmse', 'r2Score', function maxError(t: my.Tensor, p: my.Tensor) { return my.max(my.abs(my.sub(p, t)), -1); }] });
  const x = my.tensor(rows(12, 2, 5));
  const y = my.tensor(rows(12, 3, 7));
  const d = model.evaluate(x, y, { returnDict: true });
  expect(Object.keys(d).sort()).toEqual(['loss', 'maxError', 'r2Score', 'rmse']);
  expect(d.rmse).toBeCloseTo(Math.sqrt(d.loss), 5);
  model.dispose();
});
