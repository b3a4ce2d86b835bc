// shuffleIndices(order, state, fromIdentity): the Fisher-Yates shuffle of lib/tensor/random.ts (Random.shuffle) on an
// Int32Array, drawing from the same xoshiro128** stream, so that JS and native give the same order for the same state.
//   order         Int32Array, shuffled in place
//   state         Float64Array of the generator's four 32-bit words (s0..s3), read and advanced in place
//   fromIdentity  true: order is first filled with 0, 1, ..., n - 1 (Random.permutation)
// The index of step i is floor(((next() >>> 8) / 2^24) * (i + 1)) in double precision, as Random.int computes it.
#include <cmath>
#include <cstdint>
#include <utility>

#include "../common/args.h"
#include "exports_cpu.h"

namespace myelin {

namespace {

struct Xoshiro128 {
  uint32_t s0, s1, s2, s3;

  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

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

  // An integer in [0, n), as Random.int(n).
  size_t below(size_t n) {
    const double uniform = static_cast<double>(next() >> 8) / 16777216.0;
    return static_cast<size_t>(std::floor(uniform * static_cast<double>(n)));
  }
};

uint32_t state_word(const Args& args, double v) {
  if (!(v >= 0 && v <= 4294967295.0) || v != std::floor(v)) args.rangeError("state must hold four 32-bit unsigned integers");
  return static_cast<uint32_t>(v);
}

}  // namespace

Napi::Value ShuffleIndices(const Napi::CallbackInfo& info) {
  Args args(info, "shuffleIndices", 3);
  const I32 order = args.i32(0, "order");
  const F64 state = args.f64(1, "state");
  if (state.len != 4) args.rangeError("state must have 4 entries, got " + std::to_string(state.len));
  if (args.flag(2, "fromIdentity")) {
    for (size_t i = 0; i < order.len; ++i) order.data[i] = static_cast<int32_t>(i);
  }
  Xoshiro128 g{state_word(args, state.data[0]), state_word(args, state.data[1]), state_word(args, state.data[2]),
               state_word(args, state.data[3])};
  for (size_t i = order.len; i-- > 1;) std::swap(order.data[i], order.data[g.below(i + 1)]);
  state.data[0] = g.s0;
  state.data[1] = g.s1;
  state.data[2] = g.s2;
  state.data[3] = g.s3;
  return info.Env().Undefined();
}

}  // namespace myelin
