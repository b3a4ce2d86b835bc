/** The Metric contract and `getMetric`. */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy';
import { auc } from './auc';
import { precision, recall } from './precision-recall';
import { f1Score } from './f-score';
import { functionMetric, type MetricFunction } from './function-metric';
import { r2Score } from './r2';
import { meanAbsoluteError, meanSquaredError, rootMeanSquaredError } from './regression';
import { sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from './top-k';

/** A streaming metric: `update` per batch, `result` over everything since the last `reset`. */
export interface Metric {
  /** The key in training history ('accuracy', 'mse', 'auc', ...). */
  readonly name: string;
  /**
   * Accumulates one batch (values are read on the host). `sampleWeight` (default none) weights the batch's values:
   * a model whose output carries a time mask [batch, time] passes it, so that padded steps count 0 (Keras).
   */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void;
  /** The value over every batch since the last reset (0 before any update). */
  result(): number;
  /** Forgets every batch. */
  reset(): void;
}

const BY_NAME: Record<string, () => Metric> = {
  binaryAccuracy: () => binaryAccuracy(),
  categoricalAccuracy: () => categoricalAccuracy(),
  sparseCategoricalAccuracy: () => sparseCategoricalAccuracy(),
  mse: () => meanSquaredError('mse'),
  meanSquaredError: () => meanSquaredError('meanSquaredError'),
  mae: () => meanAbsoluteError('mae'),
  meanAbsoluteError: () => meanAbsoluteError('meanAbsoluteError'),
  precision: () => precision(),
  recall: () => recall(),
  auc: () => auc(),
  f1Score: () => f1Score(),
  topKCategoricalAccuracy: () => topKCategoricalAccuracy(),
  sparseTopKCategoricalAccuracy: () => sparseTopKCategoricalAccuracy(),
  rmse: () => rootMeanSquaredError('rmse'),
  rootMeanSquaredError: () => rootMeanSquaredError('rootMeanSquaredError'),
  r2Score: () => r2Score(),
};

function isMetric(x: unknown): x is Metric {
  return x !== null && typeof x === 'object' && typeof (x as Metric).update === 'function' &&
    typeof (x as Metric).result === 'function' && typeof (x as Metric).reset === 'function';
}

/**
 * A new Metric from a name or a Metric (returned as is). 'accuracy' / 'acc' picks the accuracy the loss
 * implies, as Keras does: binaryCrossentropy -> binary (threshold 0.5), categoricalCrossentropy ->
 * categorical (argmax), sparseCategoricalCrossentropy -> sparse; for other losses it decides from the
 * shapes at the first update (yPred last dim 1 -> binary, yTrue one rank lower or last dim 1 against
 * several classes -> sparse, else categorical). Its name stays what was asked ('accuracy' or 'acc').
 * Other names: 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'mae',
 * 'precision', 'recall', 'auc', 'f1Score' (macro), 'topKCategoricalAccuracy' and 'sparseTopKCategoricalAccuracy'
 * (k 5), 'rmse' / 'rootMeanSquaredError', 'r2Score'. A function `(yTrue, yPred) => Tensor` becomes the mean of
 * its values (`functionMetric`), named after the function.
 */
export function getMetric(id: string | Metric | MetricFunction, lossName: string): Metric {
  if (isMetric(id)) return id;
  if (typeof id === 'function') return functionMetric(id);
  if (typeof id !== 'string') throw new ValueError(`getMetric: id must be a metric name or a Metric, got ${describe(id)}`);
  if (lossName !== undefined && lossName !== null && typeof lossName !== 'string') {
    throw new ValueError(`getMetric: lossName must be a string, got ${describe(lossName)}`);
  }
  if (id === 'accuracy' || id === 'acc') return accuracy(id, lossName ?? '');
  const make = ownValue(BY_NAME, id);
  if (!make) throw new ValueError(`getMetric: id must be one of accuracy, acc, ${Object.keys(BY_NAME).join(', ')}, got ${describe(id)}`);
  return make();
}
