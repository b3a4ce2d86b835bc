// The scalar arguments of gaussianNoise(x, y, state, n, stddev, key0, key1) as both flavours read and check them.
#pragma once

#include <cmath>
#include <string>

#include "args.h"

namespace myelin {

struct NoiseScalars {
  size_t n;
  float stddev;  // (float)stddev
  uint32_t k0, k1;
};

// Reads n (argument 3), stddev (4: finite, >= 0) and the key words (5, 6: integers in [0, 2^32)); RangeError otherwise.
inline NoiseScalars noise_scalars(const Args& args) {
  NoiseScalars s;
  s.n = args.size(3, "n");
  const double stddev = args.num(4, "stddev");
  if (!(stddev >= 0 && std::isfinite(stddev)))
    args.rangeError("argument 'stddev' must be a finite number >= 0, got " + std::to_string(stddev));
  s.stddev = static_cast<float>(stddev);
  s.k0 = static_cast<uint32_t>(args.size(5, "key0", 4294967295.0));
  s.k1 = static_cast<uint32_t>(args.size(6, "key1", 4294967295.0));
  return s;
}

}  // namespace myelin
