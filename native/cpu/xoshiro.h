// The xoshiro128** generator of lib/tensor/random.ts (Random) and its Fisher-Yates shuffle, so that native code
// draws the same numbers as TypeScript from the same state (shuffle.cc, train_epochs.cc).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "../common/args.h"

namespace myelin {

struct Xoshiro128 {
  uint32_t s0, s1, s2, s3;

  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

  // Random.nextUint32.
  uint32_t next() {
    const uint32_t result = rotl(s1 * 5u, 7) * 9u;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  }

  // Random.int(n): floor(((next() >>> 8) / 2^24) * n) in double precision.
  size_t below(size_t n) {
    const double uniform = static_cast<double>(next() >> 8) / 16777216.0;
    return static_cast<size_t>(std::floor(uniform * static_cast<double>(n)));
  }

  // Random.shuffle: for i from n - 1 down to 1, swap items i and below(i + 1).
  void shuffle(int32_t* items, size_t n) {
    for (size_t i = n; i-- > 1;) std::swap(items[i], items[below(i + 1)]);
  }
};

// The generator state of a Float64Array of four 32-bit words (RangeError otherwise), and back (shuffle.cc).
Xoshiro128 read_state(const Args& args, const F64& state);
void write_state(const Xoshiro128& g, const F64& state);

}  // namespace myelin
