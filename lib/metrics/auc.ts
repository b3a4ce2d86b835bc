/**
 * Streaming ROC AUC as Keras computes it: confusion counts at `numThresholds` thresholds (default 200:
 * -1e-7, i/(n-1) for i = 1..n-2, 1 + 1e-7), a sample counted positive at a threshold when its score is
 * strictly above it; AUC = trapezoid sum over (fpr, tpr) of consecutive thresholds (Keras
 * summation_method 'interpolation', which for ROC is the trapezoid rule). Equals the exact ROC AUC
 * (sklearn.metrics.roc_auc_score) when no two scores of different labels share a bucket between thresholds.
 */
import { ValueError, describe } from '../errors';
import { readBinaryPair, valueWeights } from './checks';
import type { Metric } from './metric';

/** Options of `auc`. */
export interface AucOptions {
  /** Number of thresholds (> 1). Default 200. */
  numThresholds?: number;
  name?: string;
}

/** Keras AUC (ROC, interpolation) over all elements; labels non-zero = positive. */
export function auc(options?: AucOptions): Metric {
  const n = options?.numThresholds ?? 200;
  if (!Number.isInteger(n) || n < 2) throw new ValueError(`auc: numThresholds must be an integer > 1, got ${describe(n)}`);
  const name = options?.name ?? 'auc';
  const thresholds = new Float64Array(n);
  thresholds[0] = -1e-7;
  for (let i = 1; i < n - 1; i++) thresholds[i] = i / (n - 1);
  thresholds[n - 1] = 1 + 1e-7;
  // pos[k] / neg[k]: samples whose score is above exactly k thresholds (k in 0..n).
  const pos = new Float64Array(n + 1);
  const neg = new Float64Array(n + 1);
  const above = (s: number): number => {
    let lo = 0; let hi = n; // number of thresholds strictly below s
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (thresholds[mid] < s) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  return {
    name,
    update(yTrue, yPred, sampleWeight) {
      const { t, p } = readBinaryPair(name, yTrue, yPred);
      const w = valueWeights(name, p.length, sampleWeight);
      for (let i = 0; i < p.length; i++) {
        if (Number.isNaN(p[i])) throw new ValueError(`${name}: yPred[${i}] is NaN`);
        (t[i] !== 0 ? pos : neg)[above(p[i])] += w === null ? 1 : w[i];
      }
    },
    result() {
      // tp[i] = positives above threshold i = sum_{k > i} pos[k].
      const tp = new Float64Array(n); const fp = new Float64Array(n);
      let cp = 0; let cn = 0;
      for (let i = n - 1; i >= 0; i--) {
        cp += pos[i + 1]; cn += neg[i + 1];
        tp[i] = cp; fp[i] = cn;
      }
      let totalPos = 0; let totalNeg = 0;
      for (let k = 0; k <= n; k++) { totalPos += pos[k]; totalNeg += neg[k]; }
      const tpr = (i: number) => (totalPos === 0 ? 0 : tp[i] / totalPos);
      const fpr = (i: number) => (totalNeg === 0 ? 0 : fp[i] / totalNeg);
      let area = 0;
      for (let i = 0; i < n - 1; i++) area += ((fpr(i) - fpr(i + 1)) * (tpr(i) + tpr(i + 1))) / 2;
      return area;
    },
    reset() {
      pos.fill(0); neg.fill(0);
    },
  };
}
