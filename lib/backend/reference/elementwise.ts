/**
 * Reference elementwise kernels: fill, unary (+ gradient) and broadcasting binary ops. Math in float64,
 * results rounded to float32 when stored.
 */
import type { BinaryOp, UnaryOp } from '../kernel-ids';
import { binaryForward, unaryDerivative, unaryForward } from './unary-math';

/** out[offset .. offset + length) = value; length defaults to the rest of the buffer. */
export function fill(out: Float32Array, value: number, offset = 0, length = out.length - offset): void {
  out.fill(value, offset, offset + length);
}

/** out[i] = f(x[i]; param) for i < n. */
export function unary(op: UnaryOp, x: Float32Array, out: Float32Array, n: number, param: number): void {
  for (let i = 0; i < n; i++) out[i] = unaryForward(op, x[i], param);
}

/** dx[i] = dy[i] * f'(x[i]; param), reading y[i] = f(x[i]) where the derivative is expressed through y. */
export function unaryGrad(op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
  n: number, param: number): void {
  for (let i = 0; i < n; i++) dx[i] = dy[i] * unaryDerivative(op, x[i], y[i], param);
}

/**
 * out[idx] = f(a[idx . aStrides], b[idx . bStrides]) for every index tuple idx over `outShape` (row-major
 * order); strides are 0 along broadcast dimensions.
 */
export function binary(op: BinaryOp, a: Float32Array, aStrides: number[], b: Float32Array, bStrides: number[],
  out: Float32Array, outShape: number[]): void {
  const rank = outShape.length;
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o++) {
    out[o] = binaryForward(op, a[ia], b[ib]);
    // Odometer increment of the index tuple, updating both input offsets.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ia -= aStrides[d] * outShape[d];
      ib -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
