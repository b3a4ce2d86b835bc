// Multi-tensor optimizer steps: ONE kernel launch updates every parameter. The host splits the tensors
// into chunks of at most kOptimizerChunk elements (like PyTorch's multi_tensor_apply) and passes a device
// array of TensorChunk (pointers + length); block b updates chunk b. The per-element math is
// native/common/optimizer_math.h, the same code the CPU flavour runs, computed in double like the CPU
// flavour (state stored as float): the step is memory-bound, so the wider math costs little and cuda and cpu
// training runs stay within rounding of each other.
#include "../common/optimizer_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

using T = double;  // compute type of the per-element update

template <int KIND>
__global__ void multi_tensor_kernel(const TensorChunk* chunks, size_t count, OptimizerScalars sc) {
  constexpr OptimizerKind kind = static_cast<OptimizerKind>(KIND);
  AdamScalars<T> adam;
  if constexpr (kind == OptimizerKind::adam) {
    adam.lr = sc.lr, adam.beta1 = sc.beta1, adam.beta2 = sc.beta2, adam.eps = sc.eps, adam.wd = sc.wd;
    adam.inv_bc1 = sc.inv_bc1, adam.inv_bc2 = sc.inv_bc2, adam.decoupled = sc.decoupled;
  }
  for (size_t ci = blockIdx.x; ci < count; ci += gridDim.x) {
    const TensorChunk ch = chunks[ci];
    for (uint32_t i = threadIdx.x; i < ch.n; i += blockDim.x) {
      if constexpr (kind == OptimizerKind::sgd) {
        sgd_update<T>(ch.p[i], ch.g[i], ch.s0 ? ch.s0 + i : nullptr, sc.lr, sc.momentum, sc.nesterov, sc.wd);
      } else if constexpr (kind == OptimizerKind::adam) {
        adam_update<T>(ch.p[i], ch.g[i], ch.s0[i], ch.s1[i], ch.s2 ? ch.s2 + i : nullptr, adam);
      } else if constexpr (kind == OptimizerKind::adagrad) {
        adagrad_update<T>(ch.p[i], ch.g[i], ch.s0[i], sc.lr, sc.eps, sc.wd);
      } else {  // rmsprop: rho travels in beta1
        rmsprop_update<T>(ch.p[i], ch.g[i], ch.s0[i], ch.s1 ? ch.s1 + i : nullptr, ch.s2 ? ch.s2 + i : nullptr, sc.lr,
                       sc.beta1, sc.momentum, sc.eps, sc.wd);
      }
    }
  }
}

}  // namespace

void launch_multi_tensor(cudaStream_t s, OptimizerKind kind, const TensorChunk* chunks, size_t count,
                         const OptimizerScalars& sc) {
  if (count == 0) return;
  const unsigned blocks = static_cast<unsigned>(count < 65535u * 32u ? count : 65535u * 32u);
  switch (kind) {
    case OptimizerKind::sgd: multi_tensor_kernel<0><<<blocks, 512, 0, s>>>(chunks, count, sc); break;
    case OptimizerKind::adam: multi_tensor_kernel<1><<<blocks, 512, 0, s>>>(chunks, count, sc); break;
    case OptimizerKind::adagrad: multi_tensor_kernel<2><<<blocks, 512, 0, s>>>(chunks, count, sc); break;
    case OptimizerKind::rmsprop: multi_tensor_kernel<3><<<blocks, 512, 0, s>>>(chunks, count, sc); break;
  }
}

}  // namespace cuda
}  // namespace myelin
