/** One-hot encoding of integer class labels. */
import { tensor } from '../ops/creation';
import { ValueError, describe } from '../errors';
import { toMatrix, type MatrixLike } from './matrix';
import type { Tensor } from '../tensor/tensor';

/**
 * Encodes class indices as rows of a [n, numClasses] float32 matrix: `out[i][labels[i]] = 1`, else 0.
 * `labels` is a vector (or an [n, 1] column) of integers in [0, numClasses).
 * @param numClasses default: the largest label + 1.
 * @throws ValueError for a label that is not an integer in range, or a bad numClasses.
 */
export function oneHot(labels: MatrixLike | number[], numClasses?: number): Tensor {
  const m = toMatrix(labels, 'oneHot: labels');
  if (m.cols !== 1) throw new ValueError(`oneHot: labels must be a vector or an [n, 1] column, got shape [${m.shape.join(', ')}]`);
  let k = numClasses;
  if (k === undefined) {
    k = 0;
    for (const v of m.data) if (v + 1 > k) k = v + 1;
  }
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new ValueError(`oneHot: numClasses must be a positive integer, got ${describe(numClasses)}`);
  }
  const out = new Float32Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) {
    const c = m.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new ValueError(`oneHot: labels[${i}] must be an integer in [0, ${k - 1}], got ${describe(c)}`);
    }
    out[i * k + c] = 1;
  }
  return tensor(out, [m.rows, k]);
}
