/** Reference dense layer kernels: forward (GEMM + bias + activation) and the bias-activation gradient. */
import type { UnaryOp } from '../kernel-ids';
import { unaryGrad } from './elementwise';
import { reduce } from './reduce';
import { unaryForward } from './unary-math';

/**
 * z = x[m, k] @ w[k, n] + bias[n] (bias may be null), out = activation(z; param). The activation is applied
 * to z as stored (float32), so out equals `unary(activation, z)` exactly; `z` may be the same buffer as `out`.
 */
export function denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, z: Float32Array,
  out: Float32Array, m: number, n: number, k: number, activation: UnaryOp,
  param: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) acc += x[i * k + p] * w[p * n + j];
      const zij = Math.fround(acc);
      z[i * n + j] = zij;
      out[i * n + j] = unaryForward(activation, zij, param);
    }
  }
}

/**
 * dz = dy * f'(z; param) elementwise over [m, n] (as `unaryGrad`), then dbias[j] = sum_r dz[r, j] (as `reduce`
 * over the rows).
 */
export function biasActivationGrad(activation: UnaryOp, z: Float32Array, y: Float32Array, dy: Float32Array,
  dz: Float32Array, dbias: Float32Array, m: number, n: number, param: number): void {
  unaryGrad(activation, z, y, dy, dz, m * n, param);
  reduce('sum', dz, dbias, 1, m, n);
}
