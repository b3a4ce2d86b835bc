// The scalar arguments of dropout(x, y, mask, state, n, rate, key0, key1) as both flavours read and check them.
#pragma once

#include <cmath>
#include <string>

#include "args.h"
#include "philox.h"

namespace myelin {

struct DropoutScalars {
  size_t n;
  uint32_t threshold;  // ceil(rate 2^24)
  float scale;         // (float)(1 / (1 - rate))
  uint32_t k0, k1;
};

// Reads n (argument 4), rate (5, in [0, 1)) and the key words (6, 7: integers in [0, 2^32)); RangeError otherwise.
inline DropoutScalars dropout_scalars(const Args& args) {
  DropoutScalars s;
  s.n = args.size(4, "n");
  const double rate = args.num(5, "rate");
  if (!(rate >= 0 && rate < 1))
    args.rangeError("argument 'rate' must be a number in [0, 1), got " + std::to_string(rate));
  s.threshold = dropout_threshold(rate);
  s.scale = static_cast<float>(1.0 / (1.0 - rate));
  s.k0 = static_cast<uint32_t>(args.size(6, "key0", 4294967295.0));
  s.k1 = static_cast<uint32_t>(args.size(7, "key1", 4294967295.0));
  return s;
}

}  // namespace myelin
