/** A plain function `(yTrue, yPred) => Tensor` as a metric (Keras's MeanMetricWrapper). */
import { ValueError, describe } from '../errors';
import { noGrad } from '../autograd/tape';
import { tidy } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import { Mean, valueWeights } from './checks';
import type { Metric } from './metric';

/** A metric function: per-sample values ([batch]) or one value for the batch. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * The mean of every value `fn` returned since the last reset: per-sample values count one each, as Keras's
 * MeanMetricWrapper averages them; with weights, sum w v / sum w. Named after the function (`fn.name`, else
 * 'customMetric').
 */
export function functionMetric(fn: MetricFunction, name?: string): Metric {
  if (typeof fn !== 'function') throw new ValueError(`functionMetric: fn must be a function (yTrue, yPred) => Tensor, got ${describe(fn)}`);
  const key = name ?? (fn.name || 'customMetric');
  const acc = new Mean();
  return {
    name: key,
    update(yTrue, yPred, sampleWeight) {
      const values = noGrad(() => tidy(() => {
        const out = fn(yTrue, yPred);
        if (!(out instanceof Tensor)) throw new ValueError(`metric ${key}: the function must return a Tensor, got ${describe(out)}`);
        return out.dataSync();
      }));
      const w = valueWeights(key, values.length, sampleWeight);
      let s = 0, count = 0;
      for (let i = 0; i < values.length; i++) {
        const wi = w === null ? 1 : w[i];
        if (wi !== 0) s += wi * values[i];
        count += wi;
      }
      acc.add(s, count);
    },
    result: () => acc.value(),
    reset: () => acc.reset(),
  };
}
