/** Unary elementwise ops: out = f(x). Each gradient rule is dx = dy * f'(x), one backend kernel. */
import { record } from '../autograd/tape';
import type { UnaryOp } from '../backend/kernel-ids';
import type { Tensor } from '../tensor/tensor';
import { checkNumber, checkTensor } from './checks';
import { empty } from './creation';

/** @internal Applies unary kernel `op` with scalar `param` and records its gradient rule. */
export function unary(op: UnaryOp, x: Tensor, param = 0, name: string = op): Tensor {
  checkTensor(x, name, 'x');
  const y = empty(x.shape);
  if (x.size > 0) x.backend.unary(op, x.storage, y.storage, x.size, param);
  record(name, [x], y, (dy) => {
    const dx = empty(x.shape);
    if (x.size > 0) x.backend.unaryGrad(op, x.storage, y.storage, dy.storage, dx.storage, x.size, param);
    return [dx];
  });
  return y;
}

/** -x */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** e^x */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm ln(x) (NaN below 0, -Infinity at 0). */
export const log = (x: Tensor): Tensor => unary('log', x);
/** Square root. */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** x^2 */
export const square = (x: Tensor): Tensor => unary('square', x);
/** |x| (gradient 0 at 0). */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** sign(x) in {-1, 0, 1} (gradient 0). */
export const sign = (x: Tensor): Tensor => unary('sign', x);
/** 1 / x */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
/** max(x, 0) (gradient 0 at 0). */
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** 1 / (1 + e^-x) */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** tanh(x) */
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** x > 0 ? x : alpha * x. Default alpha 0.2 (as Keras 3's `ops.leaky_relu` and activation). */
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => unary('leakyRelu', x, checkNumber(alpha, 'leakyRelu', 'alpha'));
/** x > 0 ? x : alpha * (e^x - 1). Default alpha 1. */
export const elu = (x: Tensor, alpha = 1): Tensor => unary('elu', x, checkNumber(alpha, 'elu', 'alpha'));
/** x * Phi(x) with the exact Gaussian CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
export const gelu = (x: Tensor): Tensor => unary('gelu', x);
/** x * sigmoid(x) (also called swish). */
export const silu = (x: Tensor): Tensor => unary('silu', x);
/** log(1 + e^x), computed stably. */
export const softplus = (x: Tensor): Tensor => unary('softplus', x);
/** x * factor */
export const mulScalar = (x: Tensor, factor: number): Tensor => unary('scale', x, checkNumber(factor, 'mulScalar', 'factor'), 'mulScalar');
/** x + value */
export const addScalar = (x: Tensor, value: number): Tensor => unary('addScalar', x, checkNumber(value, 'addScalar', 'value'), 'addScalar');
/** x ^ exponent for a number exponent. */
export const powScalar = (x: Tensor, exponent: number): Tensor => unary('powScalar', x, checkNumber(exponent, 'pow', 'exponent'), 'pow');
/** Clips to [-limit, limit] (gradient 0 outside). */
export const clipAbs = (x: Tensor, limit: number): Tensor => unary('clipAbs', x, checkNumber(limit, 'clipAbs', 'limit'));
