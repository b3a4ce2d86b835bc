// Binary cross-entropy from logits, elementwise (the fused op behind binaryCrossentropy({ fromLogits })):
// loss[i] = softplus(x[i]) - x[i] t[i] and its gradient g_i (sigmoid(x[i]) - t[i]). The math is
// native/common/unary_math.h, shared with the CUDA flavour.
#include <algorithm>

#include "../common/args.h"
#include "../common/thread_pool.h"
#include "../common/unary_math.h"
#include "kernel.h"

namespace myelin {

// sigmoidCrossEntropy(logits, targets, loss, n)
Kernel PrepareSigmoidCrossEntropy(const Args& args) {
  const F32 x = args.f32(0, "logits"), t = args.f32(1, "targets"), loss = args.f32(2, "loss");
  const size_t n = args.size(3, "n");
  args.need(x, n, "logits");
  args.need(t, n, "targets");
  args.need(loss, n, "loss");
  if (n == 0) return Kernel();
  return [=] {
    parallel_for(n, kParallelMin, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) loss.data[i] = sigmoid_cross_entropy(x.data[i], t.data[i]);
    });
  };
}

// sigmoidCrossEntropyGrad(logits, targets, dLoss, dLogits, n, dLossStride, dLossScale):
//   dLogits[i] = g_i (sigmoid(x[i]) - t[i]), g_i = dLoss[i * dLossStride] * dLossScale in float
Kernel PrepareSigmoidCrossEntropyGrad(const Args& args) {
  const F32 x = args.f32(0, "logits"), t = args.f32(1, "targets"), dl = args.f32(2, "dLoss");
  const F32 dx = args.f32(3, "dLogits");
  const size_t n = args.size(4, "n");
  const Upstream up = args.upstream(5);
  args.need(x, n, "logits");
  args.need(t, n, "targets");
  args.need(dl, up.length(n), "dLoss");
  args.need(dx, n, "dLogits");
  if (n == 0) return Kernel();
  return [=] {
    parallel_for(n, kParallelMin, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        const float g = dl.data[i * up.stride] * up.scale;
        dx.data[i] = sigmoid_cross_entropy_grad(x.data[i], t.data[i], g);
      }
    });
  };
}

}  // namespace myelin
