/** Host-side helpers of the metrics. */
import { ShapeError } from '../errors';
import { checkLive, checkUnitLabels } from '../losses/checks';
import { shapesEqual } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';

/** Checks yTrue / yPred (live tensors, same shape, rank >= 1) and returns their values. */
export function readPair(owner: string, yTrue: Tensor, yPred: Tensor): { t: Float32Array; p: Float32Array } {
  checkLive(owner, 'yTrue', yTrue);
  checkLive(owner, 'yPred', yPred);
  if (yPred.rank < 1) throw new ShapeError(`${owner}: yPred must have rank >= 1, got shape []`);
  if (!shapesEqual(yTrue.shape, yPred.shape)) {
    throw new ShapeError(`${owner}: yTrue and yPred must have the same shape, got yTrue [${yTrue.shape.join(', ')}] and yPred [${yPred.shape.join(', ')}]`);
  }
  return { t: yTrue.dataSync(), p: yPred.dataSync() };
}

/**
 * The weight of each of `n` values from the weights `w` of the batch (a model's time mask [batch, time], Keras's
 * sample_weight), null without weights. When w has fewer entries than the values, each weight covers n / w.size
 * consecutive values (the elements of a step's row); when it has more, each value takes the sum of the w.size / n
 * weights of its rows (a per-sample value weighted by its unmasked steps, as Keras broadcasts it).
 */
export function valueWeights(owner: string, n: number, w: Tensor | null | undefined): Float32Array | null {
  if (w === null || w === undefined) return null;
  checkLive(owner, 'sampleWeight', w);
  const m = w.size;
  const data = w.dataSync();
  const out = new Float32Array(n);
  if (m > 0 && n % m === 0) {
    const per = n / m;
    for (let i = 0; i < n; i++) out[i] = data[Math.floor(i / per)];
  } else if (n > 0 && m % n === 0) {
    const per = m / n;
    for (let i = 0; i < m; i++) out[Math.floor(i / per)] += data[i];
  } else if (n > 0) {
    throw new ShapeError(`${owner}: the weights (${m} values, shape [${w.shape.join(', ')}]) do not line up with the ${n} metric values; give one weight per sample or per step`);
  }
  return out;
}

/** Streaming mean: total / count, 0 when empty. */
export class Mean {
  total = 0;
  count = 0;
  add(total: number, count: number): void {
    this.total += total;
    this.count += count;
  }
  value(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}

/** {@link readPair} for the binary metrics: also checks every label is in [0, 1]. */
export function readBinaryPair(owner: string, yTrue: Tensor, yPred: Tensor): { t: Float32Array; p: Float32Array } {
  const pair = readPair(owner, yTrue, yPred);
  checkUnitLabels(owner, 'yTrue', pair.t);
  return pair;
}
