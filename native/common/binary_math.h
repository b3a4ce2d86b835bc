// Per-element math of the binary kernels, shared by the CPU and CUDA flavours.
#pragma once

#include <cmath>

#include "hd.h"
#include "kernel_ids.h"

namespace myelin {

template <int OP>
MYELIN_HD float binary_forward(float a, float b) {
  constexpr BinaryOp op = static_cast<BinaryOp>(OP);
  if constexpr (op == BinaryOp::add)
    return a + b;
  else if constexpr (op == BinaryOp::sub)
    return a - b;
  else if constexpr (op == BinaryOp::mul)
    return a * b;
  else if constexpr (op == BinaryOp::div)
    return a / b;
  else if constexpr (op == BinaryOp::pow)
    return powf(a, b);
  else if constexpr (op == BinaryOp::maximum)
    return (a > b || a != a) ? a : b;  // NaN propagates
  else if constexpr (op == BinaryOp::minimum)
    return (a < b || a != a) ? a : b;
  else if constexpr (op == BinaryOp::equal)
    return a == b ? 1.f : 0.f;
  else
    return a > b ? 1.f : 0.f;  // greater
}

}  // namespace myelin
