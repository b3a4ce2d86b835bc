/** Streaming precision and recall at a threshold (Keras defaults). */
import { ValueError, describe } from '../errors';
import { readBinaryPair, valueWeights } from './checks';
import type { Metric } from './metric';

function confusion(kind: 'precision' | 'recall', options?: { threshold?: number; name?: string }): Metric {
  const threshold = options?.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new ValueError(`${kind}: threshold must be a finite number, got ${describe(threshold)}`);
  const name = options?.name ?? kind;
  let tp = 0; let fp = 0; let fn = 0;
  return {
    name,
    update(yTrue, yPred, sampleWeight) {
      const { t, p } = readBinaryPair(name, yTrue, yPred);
      const w = valueWeights(name, p.length, sampleWeight);
      for (let i = 0; i < p.length; i++) {
        const predicted = p[i] > threshold;
        const actual = t[i] !== 0;
        const wi = w === null ? 1 : w[i];
        if (predicted && actual) tp += wi;
        else if (predicted) fp += wi;
        else if (actual) fn += wi;
      }
    },
    result() {
      const denom = kind === 'precision' ? tp + fp : tp + fn;
      return denom === 0 ? 0 : tp / denom;
    },
    reset() {
      tp = 0; fp = 0; fn = 0;
    },
  };
}

/** tp / (tp + fp) with predictions yPred > threshold (default 0.5), labels non-zero = positive; 0 when undefined. */
export function precision(options?: { threshold?: number; name?: string }): Metric {
  return confusion('precision', options);
}

/** tp / (tp + fn) with predictions yPred > threshold (default 0.5), labels non-zero = positive; 0 when undefined. */
export function recall(options?: { threshold?: number; name?: string }): Metric {
  return confusion('recall', options);
}
