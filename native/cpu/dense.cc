// Fused dense forward: z = x[m, k] @ w[k, n] (+ bias[n]), out = activation(z; param), one pass after
// the GEMM. z may be the same buffer as out when the activation is linear.
#include <algorithm>

#include "../common/args.h"
#include "kernel.h"
#include "../common/kernel_ids.h"
#include "../common/thread_pool.h"
#include "cpu.h"

namespace myelin {

// denseForward(x, w, bias, z, out, m, n, k, activation, param)
Kernel PrepareDenseForward(const Args& args) {
  const F32 x = args.f32(0, "x"), w = args.f32(1, "w"), bias = args.f32OrNull(2, "bias");
  const F32 z = args.f32(3, "z"), out = args.f32(4, "out");
  const size_t m = args.size(5, "m"), n = args.size(6, "n"), k = args.size(7, "k");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const float param = static_cast<float>(args.num(9, "param"));
  const size_t mn = args.mul(m, n, "m * n");
  args.need(x, args.mul(m, k, "m * k"), "x");
  args.need(w, args.mul(k, n, "k * n"), "w");
  if (bias.data != nullptr) args.need(bias, n, "bias");
  args.need(z, mn, "z");
  args.need(out, mn, "out");
  return [=] {
    sgemm(false, false, m, n, k, 1.f, x.data, w.data, 0.f, z.data);
    const bool linear = act == static_cast<int>(UnaryOp::linear);
    if (bias.data == nullptr) {
      if (!linear || z.data != out.data) apply_unary(act, z.data, out.data, mn, param);
      return;
    }
    if (mn < kParallelMin) {  // small: the bias row by row, then the activation in one call
      for (size_t r = 0; r < m; ++r) {
        float* zr = z.data + r * n;
        for (size_t j = 0; j < n; ++j) zr[j] += bias.data[j];
      }
      if (!linear || z.data != out.data) apply_unary(act, z.data, out.data, mn, param);
      return;
    }
    // One pass per row: z += bias, out = f(z).
    parallel_for(m, std::max<size_t>(1, kParallelMin / (n ? n : 1)), [&](size_t b, size_t e) {
      for (size_t r = b; r < e; ++r) {
        float* zr = z.data + r * n;
        for (size_t j = 0; j < n; ++j) zr[j] += bias.data[j];
        if (!linear || zr != out.data + r * n) apply_unary(act, zr, out.data + r * n, n, param);  // nested: serial
      }
    });
  };
}

// biasActivationGrad(activation, z, y, dy, dz, dbias, m, n, param): dz = dy * f'(z); dbias = the column sums of
// dz. The same two passes as unaryGrad then reduce('sum', dz, dbias, 1, m, n), in one kernel.
Kernel PrepareBiasActivationGrad(const Args& args) {
  const int act = args.op(0, "activation", kUnaryOpCount);
  const F32 z = args.f32(1, "z"), y = args.f32(2, "y"), dy = args.f32(3, "dy"), dz = args.f32(4, "dz");
  const F32 dbias = args.f32(5, "dbias");
  const size_t m = args.size(6, "m"), n = args.size(7, "n");
  const float param = static_cast<float>(args.num(8, "param"));
  const size_t mn = args.mul(m, n, "m * n");
  args.need(z, mn, "z");
  args.need(y, mn, "y");
  args.need(dy, mn, "dy");
  args.need(dz, mn, "dz");
  args.need(dbias, n, "dbias");
  if (n == 0) return Kernel();
  if (m == 0) return [=] { std::fill(dbias.data, dbias.data + n, 0.f); };
  return [=] {
    apply_unary_grad(act, z.data, y.data, dy.data, dz.data, mn, param);
    apply_reduce(static_cast<int>(ReduceOp::sum), dz.data, dbias.data, 1, m, n);
  };
}

}  // namespace myelin
