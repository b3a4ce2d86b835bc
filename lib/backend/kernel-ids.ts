/**
 * Numeric ids of the elementwise and reduction kernels. The native addons (native/common/kernel_ids.h)
 * use the same numbers; test/backend/kernel-ids.test.ts checks that both lists agree.
 */

/** Unary elementwise kernels: out[i] = f(x[i]; param). */
export const UNARY_OPS = {
  neg: 0, exp: 1, log: 2, sqrt: 3, square: 4, abs: 5, relu: 6, sigmoid: 7, tanh: 8,
  /** x > 0 ? x : param * x */
  leakyRelu: 9,
  /** x > 0 ? x : param * (exp(x) - 1) */
  elu: 10,
  /** x * Phi(x), the exact (erf) form */
  gelu: 11,
  /** x * sigmoid(x) */
  silu: 12,
  /** log(1 + exp(x)), computed stably */
  softplus: 13,
  /** x ** param */
  powScalar: 14,
  /** sign(x) in {-1, 0, 1} */
  sign: 15,
  /** 1 / x */
  reciprocal: 16,
  /** x * param */
  scale: 17,
  /** x + param */
  addScalar: 18,
  /** min(max(x, -param), param) */
  clipAbs: 19,
  /** identity (used by the fused dense op for a linear activation) */
  linear: 20,
} as const;
export type UnaryOp = keyof typeof UNARY_OPS;

/** Binary elementwise kernels with broadcasting: out[i] = f(a[i], b[i]). */
export const BINARY_OPS = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  /** 1 where a == b else 0 (not differentiable) */
  equal: 7,
  /** 1 where a > b else 0 (not differentiable) */
  greater: 8,
} as const;
export type BinaryOp = keyof typeof BINARY_OPS;

/** Reductions over the middle axis of an [outer, mid, inner] view. */
export const REDUCE_OPS = { sum: 0, max: 1, min: 2, argmax: 3, mean: 4 } as const;
export type ReduceOp = keyof typeof REDUCE_OPS;
