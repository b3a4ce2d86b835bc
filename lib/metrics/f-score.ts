/**
 * F-beta and F1 scores (Keras 3 `FBetaScore` / `F1Score`, keras/src/metrics/f_score_metrics.py), streaming over
 * batches of [batch, classes] targets (one-hot or multi-label) and predictions.
 */
import { ShapeError, ValueError, describe } from '../errors';
import { readPair } from './checks';
import type { Metric } from './metric';

/** How per-class scores become one number. */
export type FScoreAverage = 'micro' | 'macro' | 'weighted';

/** Options of `fBetaScore` and `f1Score`. */
export interface FScoreOptions {
  /**
   * 'micro': one score from the true/false positives and false negatives summed over classes; 'macro': the mean of
   * the per-class scores; 'weighted': their mean weighted by support (true instances per class). Default 'macro'
   * (Keras's default None returns the per-class vector, which a history of numbers cannot hold: see `classScores`).
   */
  average?: FScoreAverage;
  /**
   * Predictions above it count as positive; without it, the largest prediction of each row is positive (all the
   * tied largest ones, none when that value is 0). In (0, 1].
   */
  threshold?: number;
  /** History key. Default 'fBetaScore' / 'f1Score'. */
  name?: string;
}

/** A streaming F-score whose per-class scores can be read too. */
export interface FScoreMetric extends Metric {
  /** The score of each class over every batch since the last reset (Keras's result with average None). */
  classScores(): number[];
}

const EPS = 1e-7; // keras.backend.epsilon()

/**
 * Per class c: precision = tp / (tp + fp + 1e-7), recall = tp / (tp + fn + 1e-7),
 * F = (1 + beta^2) precision recall / (beta^2 precision + recall + 1e-7); then averaged as `average` says
 * (micro sums tp, fp, fn over classes first). Defaults: beta 1, average 'macro', threshold none (argmax).
 */
export function fBetaScore(options: FScoreOptions & { beta?: number } = {}): FScoreMetric {
  return fScore('fBetaScore', options);
}

/** F1 score: `fBetaScore` with beta 1 (Keras 3 `F1Score`). Defaults: average 'macro', threshold none (argmax). */
export function f1Score(options: FScoreOptions = {}): FScoreMetric {
  if (options !== null && typeof options === 'object' && 'beta' in options) throw new ValueError('f1Score: beta is fixed at 1 (use fBetaScore)');
  return fScore('f1Score', { ...options, beta: 1 });
}

function fScore(owner: string, options: FScoreOptions & { beta?: number }): FScoreMetric {
  if (options === null || typeof options !== 'object') throw new ValueError(`${owner}: options must be an object, got ${describe(options)}`);
  const average = options.average ?? 'macro';
  if (!['micro', 'macro', 'weighted'].includes(average)) throw new ValueError(`${owner}: average must be 'micro', 'macro' or 'weighted', got ${describe(average)}`);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) throw new ValueError(`${owner}: beta must be a finite number > 0, got ${describe(beta)}`);
  const threshold = options.threshold;
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))) {
    throw new ValueError(`${owner}: threshold must be a number in (0, 1], got ${describe(threshold)}`);
  }
  const name = options.name ?? owner;
  let tp: Float64Array | null = null;
  let fp: Float64Array | null = null;
  let fn: Float64Array | null = null;
  let support: Float64Array | null = null;
  const b2 = beta * beta;
  const score = (t: number, f1: number, f2: number): number => {
    const precision = t / (t + f1 + EPS);
    const recall = t / (t + f2 + EPS);
    return ((1 + b2) * precision * recall) / (b2 * precision + recall + EPS);
  };
  const metric: FScoreMetric = {
    name,
    update(yTrue, yPred) {
      const { t, p } = readPair(name, yTrue, yPred);
      if (yPred.rank !== 2) throw new ShapeError(`${name}: expects [batch, classes] inputs, got shape [${yPred.shape.join(', ')}]`);
      const c = yPred.shape[1];
      if (tp === null) [tp, fp, fn, support] = [0, 1, 2, 3].map(() => new Float64Array(c));
      if (tp.length !== c) throw new ShapeError(`${name}: ${c} classes in this batch, ${tp.length} before (reset between models)`);
      for (let r = 0; r < yPred.shape[0]; r++) {
        let top = -Infinity;
        for (let j = 0; j < c; j++) top = Math.max(top, p[r * c + j]);
        for (let j = 0; j < c; j++) {
          const v = p[r * c + j];
          const predicted = threshold === undefined ? (v >= top && Math.abs(v) > 1e-9 ? 1 : 0) : (v > threshold ? 1 : 0);
          const truth = t[r * c + j];
          tp[j] += predicted * truth;
          (fp as Float64Array)[j] += predicted * (1 - truth);
          (fn as Float64Array)[j] += (1 - predicted) * truth;
          (support as Float64Array)[j] += truth;
        }
      }
    },
    classScores() {
      if (tp === null) return [];
      return Array.from(tp, (v, j) => score(v, (fp as Float64Array)[j], (fn as Float64Array)[j]));
    },
    result() {
      if (tp === null) return 0;
      if (average === 'micro') {
        const total = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
        return score(total(tp), total(fp as Float64Array), total(fn as Float64Array));
      }
      const scores = metric.classScores();
      if (average === 'macro') return scores.reduce((s, v) => s + v, 0) / scores.length;
      const w = support as Float64Array;
      const totalSupport = w.reduce((s, v) => s + v, 0);
      return scores.reduce((s, v, j) => s + v * (w[j] / (totalSupport + EPS)), 0);
    },
    reset() {
      tp = fp = fn = support = null;
    },
  };
  return metric;
}
