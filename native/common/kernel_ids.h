// Numeric ids of the elementwise and reduction kernels. They MUST equal lib/backend/kernel-ids.ts;
// test/native/kernel-ids.test.ts parses this file and compares both lists (names and numbers).
#pragma once

namespace myelin {

// Unary elementwise kernels: out[i] = f(x[i]; param).
enum class UnaryOp : int {
  neg = 0,
  exp = 1,
  log = 2,
  sqrt = 3,
  square = 4,
  abs = 5,
  relu = 6,
  sigmoid = 7,
  tanh = 8,
  leakyRelu = 9,    // x > 0 ? x : param * x
  elu = 10,         // x > 0 ? x : param * (exp(x) - 1)
  gelu = 11,        // x * Phi(x), exact erf form
  silu = 12,        // x * sigmoid(x)
  softplus = 13,    // log(1 + exp(x)), stable
  powScalar = 14,   // x ** param
  sign = 15,        // sign(x) in {-1, 0, 1}
  reciprocal = 16,  // 1 / x
  scale = 17,       // x * param
  addScalar = 18,   // x + param
  clipAbs = 19,     // min(max(x, -param), param)
  linear = 20,      // identity
};
constexpr int kUnaryOpCount = 21;

// Binary elementwise kernels with broadcasting: out[i] = f(a[i], b[i]).
enum class BinaryOp : int {
  add = 0,
  sub = 1,
  mul = 2,
  div = 3,
  pow = 4,
  maximum = 5,
  minimum = 6,
  equal = 7,    // 1 where a == b else 0
  greater = 8,  // 1 where a > b else 0
};
constexpr int kBinaryOpCount = 9;

// Reductions over the middle axis of an [outer, mid, inner] view.
enum class ReduceOp : int {
  sum = 0,
  max = 1,
  min = 2,
  argmax = 3,
  mean = 4,  // the sum, rounded to float, times float(1 / mid): what sum then unary scale give
};
constexpr int kReduceOpCount = 5;

}  // namespace myelin
