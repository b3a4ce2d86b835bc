// Entry points of the attention kernels (attention.cu): argument checks (native/common/attention_args.h), then the
// launches on the stream.
#include "../common/attention_args.h"
#include "../common/exports.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

// batchedGemm(a, aStrides, b, bStrides, out, outStrides, sizes, transA, transB, alpha, beta)
Napi::Value BatchedGemm(const Napi::CallbackInfo& info) {
  Args args(info, "batchedGemm", 11);
  DeviceBuffer *a = buffer_arg(args, info, 0, "a"), *b = buffer_arg(args, info, 2, "b");
  DeviceBuffer* out = buffer_arg(args, info, 4, "out");
  const BatchedGemmArgs g = batched_gemm_args(args);
  need(args, a, g.aNeed, "a");
  need(args, b, g.bNeed, "b");
  need(args, out, g.cNeed, "out");
  if (g.cNeed == 0) return info.Env().Undefined();
  require_ready(info.Env(), "batchedGemm");
  const BatchedGemmShape shape{g.outer,   g.inner, g.m,       g.n,       g.k,     g.a.outer,
                               g.a.inner, g.a.ld,  g.b.outer, g.b.inner, g.b.ld,  g.c.outer,
                               g.c.inner, g.c.ld,  g.ta,      g.tb,      g.alpha, g.beta};
  launch_batched_gemm(stream(), shape, a->ptr, b->ptr, out->ptr);
  check_launch(info.Env(), "batchedGemm");
  return info.Env().Undefined();
}

// maskedSoftmax(x, mask, y, batch, heads, rows, cols, causal)
Napi::Value MaskedSoftmax(const Napi::CallbackInfo& info) {
  Args args(info, "maskedSoftmax", 8);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer* y = buffer_arg(args, info, 2, "y");
  const MaskedSoftmaxArgs g = masked_softmax_args(args);
  need(args, x, g.count, "x");
  need(args, y, g.count, "y");
  if (mask != nullptr) need(args, mask, g.maskCount, "mask");
  if (g.count == 0) return info.Env().Undefined();
  require_ready(info.Env(), "maskedSoftmax");
  launch_masked_softmax(stream(), x->ptr, mask ? mask->ptr : nullptr, y->ptr, g.batch, g.heads, g.rows, g.cols,
                        g.causal);
  check_launch(info.Env(), "maskedSoftmax");
  return info.Env().Undefined();
}

}  // namespace myelin
