/**
 * Top-k accuracies (Keras 3 `top_k_categorical_accuracy` / `sparse_top_k_categorical_accuracy`,
 * keras/src/metrics/accuracy_metrics.py, via `ops.in_top_k`): a row counts when its target class is among the k
 * largest predictions; classes tied with the k-th largest count as in the top k (TensorFlow's in_top_k), i.e.
 * fewer than k predictions are strictly larger than the target's.
 */
import { ValueError, describe } from '../errors';
import { argmaxRow, readSparsePair, streaming, tally } from './accuracy';
import { readPair } from './checks';
import type { Metric } from './metric';

/** Options of the top-k accuracies. */
export interface TopKOptions {
  /** How many of the largest predictions may hold the target (integer >= 1). Default 5. */
  k?: number;
  /** History key. Default 'topKCategoricalAccuracy' / 'sparseTopKCategoricalAccuracy'. */
  name?: string;
}

function checkK(owner: string, options: TopKOptions | undefined): { k: number; name: string } {
  const o = options ?? {};
  if (o === null || typeof o !== 'object') throw new ValueError(`${owner}: options must be an object, got ${describe(o)}`);
  const k = o.k ?? 5;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new ValueError(`${owner}: k must be an integer >= 1, got ${describe(k)}`);
  return { k, name: o.name ?? owner };
}

/** Whether the prediction of `target` in row p[off .. off + c) is in the top k (ties included). */
function inTopK(p: Float32Array, off: number, c: number, target: number, k: number): boolean {
  if (!(target >= 0 && target < c && Number.isInteger(target))) return false;
  const v = p[off + target];
  let larger = 0;
  for (let j = 0; j < c; j++) if (p[off + j] > v) larger++;
  return larger < k;
}

/** Fraction of rows whose one-hot target (argmax of yTrue) is among the k largest predictions. Default k 5. */
export function topKCategoricalAccuracy(options?: TopKOptions): Metric {
  const { k, name } = checkK('topKCategoricalAccuracy', options);
  return streaming(name, (yTrue, yPred, w) => {
    const { t, p } = readPair(name, yTrue, yPred);
    const c = yPred.shape[yPred.rank - 1];
    const rows = c === 0 ? 0 : p.length / c;
    return tally(name, rows, w, (r) => inTopK(p, r * c, c, argmaxRow(t, r * c, c), k));
  });
}

/** Fraction of rows whose class index (yTrue [batch] or [batch, 1]) is among the k largest predictions. Default k 5. */
export function sparseTopKCategoricalAccuracy(options?: TopKOptions): Metric {
  const { k, name } = checkK('sparseTopKCategoricalAccuracy', options);
  return streaming(name, (yTrue, yPred, w) => {
    const { t, p, rows, c } = readSparsePair(name, yTrue, yPred);
    return tally(name, rows, w, (r) => inTopK(p, r * c, c, t[r], k));
  });
}
