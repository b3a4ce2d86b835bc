// Vectorized activations of the CPU recurrent cells (recurrent.cc): whole rows of gates at once, branch-free, so
// the compiler emits SIMD code (a scalar tanhf / expf per element dominated a step otherwise). exp uses Cody-Waite
// range reduction and a degree-6 polynomial (relative error ~2e-7 on [-87, 88]); sigmoid and tanh follow from it,
// tanh with an odd polynomial near 0 so that small inputs keep their relative accuracy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../common/kernel_ids.h"
#include "cpu.h"

// The selects below (clamp, small-input tanh, sign) become SIMD blends only when comparisons may not trap.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

namespace myelin {
namespace cell {

inline float fast_exp(float x) {
  x = x < -87.f ? -87.f : (x > 88.f ? 88.f : x);
  const float t = x * 1.44269504088896341f;
  const float n = static_cast<float>(static_cast<int32_t>(t + (t >= 0.f ? 0.5f : -0.5f)));  // round, SSE2-vectorizable
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;                              // x - n ln 2 in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

inline float fast_sigmoid(float x) { return 1.f / (1.f + fast_exp(-x)); }

inline float fast_tanh(float x) {
  const float a = __builtin_fabsf(x);
  const float e = fast_exp(-2.f * a);
  const float big = (1.f - e) / (1.f + e);
  const float x2 = a * a;  // tanh a = a - a^3/3 + 2a^5/15 - 17a^7/315 for small a
  const float small = a * (1.f + x2 * (-0.333333333f + x2 * (0.133333333f - x2 * 0.0539682540f)));
  // t = a < 1/16 ? small : big as a bit blend (a select next to the division kept the loop scalar).
  const int32_t use_small = -static_cast<int32_t>(a < 0.0625f);
  int32_t bs, bb;
  std::memcpy(&bs, &small, sizeof bs);
  std::memcpy(&bb, &big, sizeof bb);
  const int32_t bt = (bs & use_small) | (bb & ~use_small);
  float t;
  std::memcpy(&t, &bt, sizeof t);
  return __builtin_copysignf(t, x);
}

// y[i] = f(x[i]) for i < n (x and y may be the same row); f one of tanh, sigmoid, relu, linear. Compiled for AVX-512,
// AVX2 and the baseline (MYELIN_CLONES), picked at load time.
MYELIN_CLONES inline void activate(int op, const float* x, float* y, size_t n) {
  switch (static_cast<UnaryOp>(op)) {
    case UnaryOp::tanh:
#pragma omp simd
      for (size_t i = 0; i < n; ++i) y[i] = fast_tanh(x[i]);
      return;
    case UnaryOp::sigmoid:
#pragma omp simd
      for (size_t i = 0; i < n; ++i) y[i] = fast_sigmoid(x[i]);
      return;
    case UnaryOp::relu:
#pragma omp simd
      for (size_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : x[i];
      return;
    default:
      if (x != y) std::memcpy(y, x, n * sizeof(float));
  }
}

}  // namespace cell
}  // namespace myelin

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
