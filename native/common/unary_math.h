// Per-element math of the unary kernels and their derivatives, shared by the CPU and CUDA flavours.
// unary_forward<OP>(x, p) = f(x; p); unary_derivative<OP>(x, y, p) = f'(x; p) where y = f(x; p).
#pragma once

#include <cmath>

#include "hd.h"
#include "kernel_ids.h"

namespace myelin {

// sigmoid(x) = 1 / (1 + exp(-x)), evaluated without overflow for either sign of x.
MYELIN_HD float stable_sigmoid(float x) {
  if (x >= 0.f) return 1.f / (1.f + expf(-x));
  const float e = expf(x);
  return e / (1.f + e);
}

// Binary cross-entropy from a logit x and a target t: softplus(x) - x t = -(t log s(x) + (1 - t) log(1 - s(x))),
// each product and difference rounded to float on its own (what the softplus, mul and sub kernels give).
MYELIN_HD float sigmoid_cross_entropy(float x, float t) {
  const float softplus = (x > 0.f ? x : 0.f) + log1pf(expf(-fabsf(x)));
#ifdef __CUDA_ARCH__
  return __fsub_rn(softplus, __fmul_rn(x, t));
#else
  return softplus - x * t;  // the cpu flavour compiles with -ffp-contract=off
#endif
}

// Its derivative in x times the upstream gradient g: g (s(x) - t).
MYELIN_HD float sigmoid_cross_entropy_grad(float x, float t, float g) { return g * (stable_sigmoid(x) - t); }

template <int OP>
MYELIN_HD float unary_forward(float x, float p) {
  constexpr UnaryOp op = static_cast<UnaryOp>(OP);
  if constexpr (op == UnaryOp::neg)
    return -x;
  else if constexpr (op == UnaryOp::exp)
    return expf(x);
  else if constexpr (op == UnaryOp::log)
    return logf(x);
  else if constexpr (op == UnaryOp::sqrt)
    return sqrtf(x);
  else if constexpr (op == UnaryOp::square)
    return x * x;
  else if constexpr (op == UnaryOp::abs)
    return fabsf(x);
  else if constexpr (op == UnaryOp::relu)
    return x < 0.f ? 0.f : x;  // NaN passes through
  else if constexpr (op == UnaryOp::sigmoid)
    return stable_sigmoid(x);
  else if constexpr (op == UnaryOp::tanh)
    return tanhf(x);
  else if constexpr (op == UnaryOp::leakyRelu)
    return x > 0.f ? x : p * x;
  else if constexpr (op == UnaryOp::elu)
    return x > 0.f ? x : p * expm1f(x);
  // gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))
  else if constexpr (op == UnaryOp::gelu)
    return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
  else if constexpr (op == UnaryOp::silu)
    return x * stable_sigmoid(x);
  // softplus(x) = max(x, 0) + log1p(exp(-|x|))
  else if constexpr (op == UnaryOp::softplus)
    return (x > 0.f ? x : 0.f) + log1pf(expf(-fabsf(x)));
  else if constexpr (op == UnaryOp::powScalar)
    return powf(x, p);
  else if constexpr (op == UnaryOp::sign)
    return x > 0.f ? 1.f : (x < 0.f ? -1.f : x);
  else if constexpr (op == UnaryOp::reciprocal)
    return 1.f / x;
  else if constexpr (op == UnaryOp::scale)
    return x * p;
  else if constexpr (op == UnaryOp::addScalar)
    return x + p;
  else if constexpr (op == UnaryOp::clipAbs)
    return x < -p ? -p : (x > p ? p : x);
  else
    return x;  // linear
}

template <int OP>
MYELIN_HD float unary_derivative(float x, float y, float p) {
  constexpr UnaryOp op = static_cast<UnaryOp>(OP);
  if constexpr (op == UnaryOp::neg)
    return -1.f;
  else if constexpr (op == UnaryOp::exp)
    return y;  // d exp = exp
  else if constexpr (op == UnaryOp::log)
    return 1.f / x;
  else if constexpr (op == UnaryOp::sqrt)
    return 0.5f / y;  // 1 / (2 sqrt x)
  else if constexpr (op == UnaryOp::square)
    return 2.f * x;
  else if constexpr (op == UnaryOp::abs)
    return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
  else if constexpr (op == UnaryOp::relu)
    return x > 0.f ? 1.f : 0.f;
  else if constexpr (op == UnaryOp::sigmoid)
    return y * (1.f - y);  // s (1 - s)
  else if constexpr (op == UnaryOp::tanh)
    return 1.f - y * y;  // 1 - tanh^2
  else if constexpr (op == UnaryOp::leakyRelu)
    return x > 0.f ? 1.f : p;
  else if constexpr (op == UnaryOp::elu)
    return x > 0.f ? 1.f : p * expf(x);
  else if constexpr (op == UnaryOp::gelu) {
    // Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    const float cdf = 0.5f * (1.f + erff(x * 0.70710678118654752f));
    return cdf + x * 0.39894228040143268f * expf(-0.5f * x * x);
  } else if constexpr (op == UnaryOp::silu) {
    const float s = stable_sigmoid(x);  // s + x s (1 - s)
    return s * (1.f + x * (1.f - s));
  } else if constexpr (op == UnaryOp::softplus)
    return stable_sigmoid(x);
  else if constexpr (op == UnaryOp::powScalar)
    return p == 0.f ? 0.f : p * powf(x, p - 1.f);
  else if constexpr (op == UnaryOp::sign)
    return 0.f;
  else if constexpr (op == UnaryOp::reciprocal)
    return -y * y;  // -1 / x^2
  else if constexpr (op == UnaryOp::scale)
    return p;
  else if constexpr (op == UnaryOp::addScalar)
    return 1.f;
  else if constexpr (op == UnaryOp::clipAbs)
    return (x >= -p && x <= p) ? 1.f : 0.f;
  else
    return 1.f;  // linear
}

}  // namespace myelin
