/** Softmax and log-softmax over the last axis. */
import { record } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';

function rowwise(x: Tensor, axis: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, name, 'x');
  if (x.rank === 0) throw new ValueError(`${name}: x must have at least one dimension, got a scalar`);
  if (axis !== -1 && axis !== x.rank - 1) {
    throw new ValueError(`${name}: only the last axis (-1 or ${x.rank - 1}) is supported, got ${describe(axis)}; transpose first`);
  }
  const cols = x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const y = empty(x.shape);
  if (x.size > 0) x.backend.softmax(x.storage, y.storage, rows, cols, log);
  record(name, [x], y, (dy) => {
    const dx = empty(x.shape);
    if (x.size > 0) x.backend.softmaxGrad(y.storage, dy.storage, dx.storage, rows, cols, log);
    return [dx];
  });
  return y;
}

/** softmax(x)_j = e^{x_j} / sum_k e^{x_k} along the last axis (computed with the max subtracted). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return rowwise(x, axis, false);
}

/** logSoftmax(x)_j = x_j - log sum_k e^{x_k} along the last axis. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return rowwise(x, axis, true);
}
