/**
 * Rounding to the 16-bit float formats of mixed precision. Tensors stay float32: `roundToDtype` gives the float32
 * values a cast to bfloat16 / float16 and back would give (round to nearest, ties to even), which is what a GPU's
 * bf16/fp16 GEMM reads from its operands.
 */
import { record } from '../autograd/tape';
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';

/** The 16-bit float formats a value can be rounded to. */
export type HalfDtype = 'bfloat16' | 'float16';

/** The formats, for validation. */
export const HALF_DTYPES: readonly HalfDtype[] = ['bfloat16', 'float16'];

/**
 * roundToDtype(x, dtype) = x rounded to the nearest `dtype` value, as float32 (ties to even; bfloat16 keeps the 8
 * high mantissa bits and float32's range; float16 keeps 11 significant bits, |x| >= 65520 becomes +-Infinity and
 * |x| < 2^-14 rounds to multiples of 2^-24; NaN stays NaN). `dtype` 'float32' returns x itself.
 *
 * Gradient: straight-through (the rounding counts as the identity, as autocast's casts do), and the gradient of a
 * 16-bit value is itself a 16-bit value: dx = roundToDtype(dy, dtype), widened to float32 exactly. So a float16
 * gradient below 2^-25 in magnitude is 0, as on a GPU (the underflow that loss scaling prevents); bfloat16 keeps
 * float32's range and only loses mantissa bits.
 */
export function roundToDtype(x: Tensor, dtype: HalfDtype | 'float32'): Tensor {
  checkTensor(x, 'roundToDtype', 'x');
  if (dtype === 'float32') return x;
  if (!HALF_DTYPES.includes(dtype)) {
    throw new ValueError(`roundToDtype: dtype must be 'bfloat16', 'float16' or 'float32', got ${describe(dtype)}`);
  }
  const y = empty(x.shape);
  if (x.size > 0) x.backend.roundToHalf(x.storage, y.storage, x.size, dtype === 'float16');
  record('roundToDtype', [x], y, (dy) => [roundToDtype(dy, dtype)]);
  return y;
}
