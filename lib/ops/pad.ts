/** Zero padding: a border of zeros around a tensor (Keras's ZeroPadding layers, PyTorch's `F.pad` with zeros). */
import { record } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import { stridesOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';

/**
 * y = x with `paddings[d] = [before, after]` zeros added along each axis d (one pair per axis of x, non-negative
 * integers): y.shape[d] = before + x.shape[d] + after and y[i + before] = x[i]. The gradient is the matching block of
 * dy (the padding receives none).
 */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>): Tensor {
  checkTensor(x, 'pad', 'x');
  if (!Array.isArray(paddings) || paddings.length !== x.rank ||
      !paddings.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new ValueError(`pad: paddings must be ${x.rank} pairs [before, after] of non-negative integers (one per axis of x), got ${describe(paddings)}`);
  }
  const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const outStrides = stridesOf(shape);
  const offset = paddings.reduce((acc, p, i) => acc + p[0] * outStrides[i], 0);
  const inStrides = stridesOf(x.shape);
  const y = empty(shape, true);
  if (x.size > 0) x.backend.copyStrided(x.storage, 0, inStrides, y.storage, offset, outStrides, x.shape.slice(), false);
  record('pad', [x], y, (dy) => {
    const dx = empty(x.shape.slice());
    if (x.size > 0) x.backend.copyStrided(dy.storage, offset, outStrides, dx.storage, 0, inStrides, x.shape.slice(), false);
    return [dx];
  });
  return y;
}

