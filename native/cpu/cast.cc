// roundToHalf: float32 values rounded to the nearest bfloat16 or float16 value, kept as float32 (the operands of a
// mixed-precision matmul as the GPU would read them). The rounding rule is native/common/half_round.h; the loops
// are branch-free integer code that the compiler vectorizes.
#include "../common/args.h"
#include "../common/half_round.h"
#include "../common/thread_pool.h"
#include "kernel.h"

namespace myelin {

namespace {

void round_bfloat16_span(const float* x, float* out, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; ++i) out[i] = round_to_bfloat16(x[i]);
}

void round_float16_span(const float* x, float* out, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; ++i) out[i] = round_to_float16(x[i]);
}

}  // namespace

// roundToHalf(x, out, n, float16): out[i] = x[i] rounded to bfloat16 (float16 when `float16`), as float32
Kernel PrepareRoundToHalf(const Args& args) {
  const F32 x = args.f32(0, "x"), out = args.f32(1, "out");
  const size_t n = args.size(2, "n");
  const bool float16 = args.flag(3, "float16");
  args.need(x, n, "x");
  args.need(out, n, "out");
  if (n == 0) return Kernel();
  const auto span = float16 ? round_float16_span : round_bfloat16_span;
  return [=] { parallel_for(n, kParallelMin, [&](size_t b, size_t e) { span(x.data + b, out.data + b, e - b); }); };
}

}  // namespace myelin
