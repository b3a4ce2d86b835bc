// Binary cross-entropy from logits, elementwise: loss[i] = softplus(x[i]) - x[i] t[i] and the gradient
// g_i (sigmoid(x[i]) - t[i]) with g_i = dLoss[i * stride] * scale. The math is native/common/unary_math.h, the
// same code the CPU flavour runs.
#include "../common/unary_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

__global__ void sigmoid_xent_kernel(const float* x, const float* t, float* loss, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    loss[i] = sigmoid_cross_entropy(x[i], t[i]);
  }
}

__global__ void sigmoid_xent_grad_kernel(const float* x, const float* t, const float* dl, size_t dl_stride,
                                         float dl_scale, float* dx, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const float g = __fmul_rn(dl[i * dl_stride], dl_scale);  // rounded on its own, as the CPU flavour
    dx[i] = sigmoid_cross_entropy_grad(x[i], t[i], g);
  }
}

}  // namespace

void launch_sigmoid_xent(cudaStream_t s, const float* logits, const float* targets, float* loss, size_t n) {
  if (n > 0) sigmoid_xent_kernel<<<grid_for(n), kThreads, 0, s>>>(logits, targets, loss, n);
}

void launch_sigmoid_xent_grad(cudaStream_t s, const float* logits, const float* targets, const float* dloss,
                              size_t dloss_stride, float dloss_scale, float* dlogits, size_t n) {
  if (n > 0)
    sigmoid_xent_grad_kernel<<<grid_for(n), kThreads, 0, s>>>(logits, targets, dloss, dloss_stride, dloss_scale,
                                                              dlogits, n);
}

}  // namespace cuda
}  // namespace myelin
