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
