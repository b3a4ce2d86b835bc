/** Streaming mean squared / absolute error metrics. */
import type { Tensor } from '../tensor/tensor';
import { Mean, readPair, valueWeights } from './checks';
import type { Metric } from './metric';

function meanError(name: string, f: (e: number) => number): Metric {
  const acc = new Mean();
  return {
    name,
    update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null) {
      const { t, p } = readPair(name, yTrue, yPred);
      const w = valueWeights(name, p.length, sampleWeight);
      let s = 0, count = 0;
      for (let i = 0; i < p.length; i++) {
        const wi = w === null ? 1 : w[i];
        if (wi !== 0) s += wi * f(p[i] - t[i]);
        count += wi;
      }
      acc.add(s, count);
    },
    result: () => acc.value(),
    reset: () => acc.reset(),
  };
}

/** Mean of (yPred - yTrue)^2 over every element seen since the last reset (weighted: sum w e^2 / sum w). */
export function meanSquaredError(name = 'mse'): Metric {
  return meanError(name, (e) => e * e);
}

/** Mean of |yPred - yTrue| over every element seen since the last reset (weighted: sum w |e| / sum w). */
export function meanAbsoluteError(name = 'mae'): Metric {
  return meanError(name, Math.abs);
}

/** Root of the mean of (yPred - yTrue)^2 over every element seen since the last reset (Keras RootMeanSquaredError). */
export function rootMeanSquaredError(name = 'rmse'): Metric {
  const mse = meanSquaredError(name);
  return { ...mse, result: () => Math.sqrt(mse.result()) };
}
