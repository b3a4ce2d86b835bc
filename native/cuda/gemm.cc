// GEMM and the fused dense layer's entries (forward, backward epilogue): cuBLAS when it was opened, else the
// built-in tiled kernel.
#include "../common/exports.h"
#include "../common/kernel_ids.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {
namespace cuda {

void gemm(Napi::Env env, bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
          float beta, float* c) {
  if (m == 0 || n == 0) return;
  const size_t limit = 0x7fffffff;
  // k == 0 (lda would be 0, which cuBLAS rejects) and int-overflowing sizes use the tiled kernel.
  if (cublas_ready() && k > 0 && m <= limit && n <= limit && k <= limit) {
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands, keep the flags.
    const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n);
    int status = 0;
    if (!cublas_sgemm(tb, ta, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), alpha, b, ldb, a, lda,
                      beta, c, static_cast<int>(n), &status)) {
      throw coded_error(env, "gemm: cublasSgemm_v2 failed with status " + std::to_string(status), kCudaCode);
    }
    return;
  }
  launch_gemm_tiled(stream(), ta, tb, m, n, k, alpha, a, b, beta, c, kernel_scratch());
  check_launch(env, "gemm (tiled kernel)");
}

}  // namespace cuda

using namespace cuda;

// gemm(a, b, out, m, n, k, transA, transB, alpha, beta)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Args args(info, "gemm", 10);
  DeviceBuffer *a = buffer_arg(args, info, 0, "a"), *b = buffer_arg(args, info, 1, "b"),
               *out = buffer_arg(args, info, 2, "out");
  const size_t m = args.size(3, "m"), n = args.size(4, "n"), k = args.size(5, "k");
  const bool ta = args.flag(6, "transA"), tb = args.flag(7, "transB");
  const float alpha = static_cast<float>(args.num(8, "alpha")), beta = static_cast<float>(args.num(9, "beta"));
  need(args, a, args.mul(m, k, "m * k"), "a");
  need(args, b, args.mul(k, n, "k * n"), "b");
  need(args, out, args.mul(m, n, "m * n"), "out");
  require_ready(info.Env(), "gemm");
  gemm(info.Env(), ta, tb, m, n, k, alpha, a->ptr, b->ptr, beta, out->ptr);
  return info.Env().Undefined();
}

// denseForward(x, w, bias, z, out, m, n, k, activation, param): z = x @ w (+ bias); out = act(z; param)
Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  Args args(info, "denseForward", 10);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *w = buffer_arg(args, info, 1, "w");
  DeviceBuffer* bias = buffer_or_null_arg(args, info, 2, "bias");
  DeviceBuffer *z = buffer_arg(args, info, 3, "z"), *out = buffer_arg(args, info, 4, "out");
  const size_t m = args.size(5, "m"), n = args.size(6, "n"), k = args.size(7, "k");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const float param = static_cast<float>(args.num(9, "param"));
  const size_t mn = args.mul(m, n, "m * n");
  need(args, x, args.mul(m, k, "m * k"), "x");
  need(args, w, args.mul(k, n, "k * n"), "w");
  if (bias != nullptr) need(args, bias, n, "bias");
  need(args, z, mn, "z");
  need(args, out, mn, "out");
  require_ready(info.Env(), "denseForward");
  // In place (no pre-activation kept), biased and linear (ReLU too with MYELIN_CUBLASLT=relu): one cuBLASLt matmul
  // with the bias epilogue.
  const bool relu = act == static_cast<int>(UnaryOp::relu) && cublaslt_relu();
  const bool linear = act == static_cast<int>(UnaryOp::linear);
  if (z == out && bias != nullptr && (relu || linear) &&
      cublaslt_dense(relu, m, n, k, x->ptr, w->ptr, bias->ptr, out->ptr)) {
    check_launch(info.Env(), "denseForward");
    return info.Env().Undefined();
  }
  gemm(info.Env(), false, false, m, n, k, 1.f, x->ptr, w->ptr, 0.f, z->ptr);
  launch_bias_activation(stream(), z->ptr, bias ? bias->ptr : nullptr, out->ptr, m, n, act, param);
  check_launch(info.Env(), "denseForward");
  return info.Env().Undefined();
}

// biasActivationGrad(activation, z, y, dy, dz, dbias, m, n, param): dz = dy * act'(z); dbias = column sums of dz
Napi::Value BiasActivationGrad(const Napi::CallbackInfo& info) {
  Args args(info, "biasActivationGrad", 9);
  const int act = args.op(0, "activation", kUnaryOpCount);
  DeviceBuffer *z = buffer_arg(args, info, 1, "z"), *y = buffer_arg(args, info, 2, "y");
  DeviceBuffer *dy = buffer_arg(args, info, 3, "dy"), *dz = buffer_arg(args, info, 4, "dz");
  DeviceBuffer* dbias = buffer_arg(args, info, 5, "dbias");
  const size_t m = args.size(6, "m"), n = args.size(7, "n");
  const float param = static_cast<float>(args.num(8, "param"));
  const size_t mn = args.mul(m, n, "m * n");
  need(args, z, mn, "z");
  need(args, y, mn, "y");
  need(args, dy, mn, "dy");
  need(args, dz, mn, "dz");
  need(args, dbias, n, "dbias");
  require_ready(info.Env(), "biasActivationGrad");
  launch_bias_activation_grad(stream(), z->ptr, y->ptr, dy->ptr, dz->ptr, dbias->ptr, m, n, act, param,
                              kernel_scratch());
  check_launch(info.Env(), "biasActivationGrad");
  return info.Env().Undefined();
}

}  // namespace myelin
