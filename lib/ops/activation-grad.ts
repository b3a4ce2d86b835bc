/**
 * The backward epilogue shared by the fused linear ops (dense, conv): from the upstream gradient dy of
 * y = activation(z), dz = dy * activation'(z) and, with a bias, dbias[j] = sum over rows of dz[r, j].
 */
import type { UnaryOp } from '../backend/kernel-ids';
import type { Backend } from '../backend/backend';
import type { Tensor } from '../tensor/tensor';
import { empty } from './creation';

/**
 * dz and the bias gradient for z, y = activation(z; param) and dy of `rows` x `cols` values ([rows, cols] viewed
 * over any shape whose last axis is `cols`). Linear: dz is dy itself. `dbias` is null without a bias; with a bias
 * and a linear activation it is left to the caller (null) as the column sums of dy.
 */
export function activationGrad(backend: Backend, op: UnaryOp, z: Tensor, y: Tensor, dy: Tensor, withBias: boolean,
  rows: number, cols: number, param: number): { dz: Tensor; dbias: Tensor | null } {
  if (op === 'linear') return { dz: dy, dbias: null };
  const dz = empty(dy.shape.slice());
  if (withBias) {
    // dz and the bias gradient in one kernel.
    const dbias = empty([cols]);
    if (cols > 0) backend.biasActivationGrad(op, z.storage, y.storage, dy.storage, dz.storage, dbias.storage, rows, cols, param);
    return { dz, dbias };
  }
  if (rows * cols > 0) backend.unaryGrad(op, z.storage, y.storage, dy.storage, dz.storage, rows * cols, param);
  return { dz, dbias: null };
}
