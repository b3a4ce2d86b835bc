/** The coefficient of determination (Keras 3 `R2Score`, keras/src/metrics/regression_metrics.py), streaming. */
import { ShapeError, ValueError, describe } from '../errors';
import { readPair } from './checks';
import type { Metric } from './metric';

/** Options of `r2Score`. */
export interface R2ScoreOptions {
  /**
   * How the scores of several outputs (columns) become one: 'uniformAverage' (their mean) or
   * 'varianceWeightedAverage' (weighted by each column's total sum of squares). Default 'uniformAverage'.
   */
  classAggregation?: 'uniformAverage' | 'varianceWeightedAverage';
  /** History key. Default 'r2Score'. */
  name?: string;
}

/**
 * R^2 per output column j over every sample since the last reset: 1 - sum (y - yhat)^2 / (sum y^2 - (sum y)^2 / n),
 * an infinite value (constant targets, nonzero error) read as 0, as Keras; then aggregated (default: mean).
 * Targets of shape [batch] are one column.
 */
export function r2Score(options: R2ScoreOptions = {}): Metric {
  if (options === null || typeof options !== 'object') throw new ValueError(`r2Score: options must be an object, got ${describe(options)}`);
  const aggregation = options.classAggregation ?? 'uniformAverage';
  if (aggregation !== 'uniformAverage' && aggregation !== 'varianceWeightedAverage') {
    throw new ValueError(`r2Score: classAggregation must be 'uniformAverage' or 'varianceWeightedAverage', got ${describe(aggregation)}`);
  }
  const name = options.name ?? 'r2Score';
  let sum: Float64Array | null = null;
  let squared: Float64Array | null = null;
  let sse: Float64Array | null = null;
  let count = 0;
  return {
    name,
    update(yTrue, yPred) {
      const { t, p } = readPair(name, yTrue, yPred);
      if (yPred.rank > 2) throw new ShapeError(`${name}: expects [batch] or [batch, outputs], got shape [${yPred.shape.join(', ')}]`);
      const cols = yPred.rank === 2 ? yPred.shape[1] : 1;
      if (sum === null) [sum, squared, sse] = [0, 1, 2].map(() => new Float64Array(cols));
      if (sum.length !== cols) throw new ShapeError(`${name}: ${cols} outputs in this batch, ${sum.length} before`);
      for (let i = 0; i < p.length; i++) {
        const j = i % cols;
        sum[j] += t[i];
        (squared as Float64Array)[j] += t[i] * t[i];
        (sse as Float64Array)[j] += (t[i] - p[i]) ** 2;
      }
      count += p.length / cols;
    },
    result() {
      if (sum === null || count === 0) return 0;
      const s = sum;
      const total = Array.from(s, (v, j) => (squared as Float64Array)[j] - v * (v / count));
      const raw = total.map((tot, j) => {
        const r = 1 - (sse as Float64Array)[j] / tot;
        return r === Infinity || r === -Infinity ? 0 : r;
      });
      if (aggregation === 'uniformAverage') return raw.reduce((a, b) => a + b, 0) / raw.length;
      return raw.reduce((a, r, j) => a + total[j] * r, 0) / total.reduce((a, b) => a + b, 0);
    },
    reset() {
      sum = squared = sse = null;
      count = 0;
    },
  };
}
