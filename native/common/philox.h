// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the constants and round
// of Random123) and the dropout mask drawn from it, compiled by both flavours (g++ and nvcc) so that a seed gives
// the same masks bit for bit on cpu and cuda; lib/backend/philox.ts is the same generator in TypeScript.
//
// Dropout call t (a 64-bit counter kept on the backend in a state buffer of 4 floats, each an integer in
// [0, 65536): t = s0 + s1 2^16 + s2 2^32 + s3 2^48) with key (k0, k1): element i takes word (i mod 4) of
// philox(counter = (b lo, b hi, t lo, t hi), key), b = floor(i / 4); u_i = (word >> 8) 2^-24 in [0, 1); the
// element is kept when u_i >= rate, i.e. (word >> 8) >= ceil(rate 2^24) (exact integer comparison), and
// mask_i = kept ? (float)(1 / (1 - rate)) : 0.
#pragma once

#include <cstdint>

#include "hd.h"

namespace myelin {

constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;
// Floats in a dropout state buffer.
constexpr int kDropoutStateSize = 4;

struct Philox4 {
  uint32_t v[4];
};

// Philox4x32 with 10 rounds of counter c under key (k0, k1).
MYELIN_HD Philox4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    const uint64_t p0 = uint64_t(kPhiloxM0) * c0;
    const uint64_t p1 = uint64_t(kPhiloxM1) * c2;
    const uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n2 = uint32_t(p0 >> 32) ^ c3 ^ k1;
    c1 = uint32_t(p1);
    c3 = uint32_t(p0);
    c0 = n0;
    c2 = n2;
  }
  return Philox4{{c0, c1, c2, c3}};
}

// The call counter t held by a state buffer (limbs clamped into [0, 65535]).
MYELIN_HD uint64_t dropout_counter(const float* state) {
  uint64_t t = 0;
  for (int i = kDropoutStateSize - 1; i >= 0; --i) {
    const float s = state[i];
    const uint64_t limb = s >= 65535.f ? 65535u : s > 0.f ? uint64_t(s) : 0u;
    t = (t << 16) | limb;
  }
  return t;
}

// Writes t into a state buffer as its four 16-bit limbs.
MYELIN_HD void dropout_store_counter(float* state, uint64_t t) {
  for (int i = 0; i < kDropoutStateSize; ++i) state[i] = float((t >> (16 * i)) & 0xffffu);
}

// The keep threshold of `rate` in [0, 1): ceil(rate 2^24), so that (word >> 8) >= it exactly when u >= rate.
inline uint32_t dropout_threshold(double rate) {
  const double t = rate * 16777216.0;
  const uint32_t floor_t = uint32_t(t);
  return double(floor_t) == t ? floor_t : floor_t + 1;
}

// The mask values of the 4 elements of block b in call t: 0 or `scale`.
MYELIN_HD void dropout_block(uint64_t b, uint64_t t, uint32_t k0, uint32_t k1, uint32_t threshold, float scale,
                             float out[4]) {
  const Philox4 w = philox4x32_10(uint32_t(b), uint32_t(b >> 32), uint32_t(t), uint32_t(t >> 32), k0, k1);
  for (int j = 0; j < 4; ++j) out[j] = (w.v[j] >> 8) >= threshold ? scale : 0.f;
}

}  // namespace myelin
