// shuffleIndices(order, state, fromIdentity): the Fisher-Yates shuffle of lib/tensor/random.ts (Random.shuffle) on an
// Int32Array, drawing from the same xoshiro128** stream (xoshiro.h), so that JS and native give the same order for
// the same state.
//   order         Int32Array, shuffled in place
//   state         Float64Array of the generator's four 32-bit words (s0..s3), read and advanced in place
//   fromIdentity  true: order is first filled with 0, 1, ..., n - 1 (Random.permutation)
#include <cmath>
#include <cstdint>
#include <string>

#include "exports_cpu.h"
#include "xoshiro.h"

namespace myelin {

namespace {

uint32_t state_word(const Args& args, double v) {
  if (!(v >= 0 && v <= 4294967295.0) || v != std::floor(v))
    args.rangeError("state must hold four 32-bit unsigned integers");
  return static_cast<uint32_t>(v);
}

}  // namespace

Xoshiro128 read_state(const Args& args, const F64& state) {
  if (state.len != 4) args.rangeError("state must have 4 entries, got " + std::to_string(state.len));
  return Xoshiro128{state_word(args, state.data[0]), state_word(args, state.data[1]), state_word(args, state.data[2]),
                    state_word(args, state.data[3])};
}

void write_state(const Xoshiro128& g, const F64& state) {
  state.data[0] = g.s0;
  state.data[1] = g.s1;
  state.data[2] = g.s2;
  state.data[3] = g.s3;
}

Napi::Value ShuffleIndices(const Napi::CallbackInfo& info) {
  Args args(info, "shuffleIndices", 3);
  const I32 order = args.i32(0, "order");
  const F64 state = args.f64(1, "state");
  Xoshiro128 g = read_state(args, state);
  if (args.flag(2, "fromIdentity")) {
    for (size_t i = 0; i < order.len; ++i) order.data[i] = static_cast<int32_t>(i);
  }
  g.shuffle(order.data, order.len);
  write_state(g, state);
  return info.Env().Undefined();
}

}  // namespace myelin
