// Gaussian noise: y = x + stddev * z with z drawn from Philox4x32-10 by Box-Muller (native/common/gaussian_noise.h),
// the call counter in a 4-float state buffer read and then advanced by one, as dropout's: a compiled program
// replayed N times draws N fresh noise tensors with nothing passed in from JavaScript.
#include <algorithm>

#include "../common/gaussian_noise.h"
#include "../common/noise_args.h"
#include "../common/thread_pool.h"
#include "kernel.h"

namespace myelin {

// gaussianNoise(x, y, state, n, stddev, key0, key1)
Kernel PrepareGaussianNoise(const Args& args) {
  const F32 x = args.f32(0, "x"), y = args.f32(1, "y"), state = args.f32(2, "state");
  const NoiseScalars s = noise_scalars(args);
  args.need(x, s.n, "x");
  args.need(y, s.n, "y");
  args.need(state, kDropoutStateSize, "state");
  return [=] {
    const uint64_t t = dropout_counter(state.data);
    // Box-Muller costs a log, a sqrt and a sin/cos per pair: split from 4096 blocks on.
    parallel_for((s.n + 3) / 4, 4096, [&](size_t b0, size_t b1) {
      float z[4];
      for (size_t b = b0; b < b1; ++b) {
        gaussian_block(b, t, s.k0, s.k1, z);
        const size_t i1 = std::min(s.n, 4 * b + 4);
        for (size_t i = 4 * b; i < i1; ++i) y.data[i] = x.data[i] + s.stddev * z[i - 4 * b];
      }
    });
    dropout_store_counter(state.data, t + 1);
  };
}

}  // namespace myelin
