// Epilogue of the fused dense layer, one pass after the GEMM: z[r, j] += bias[j]; out = act(z; param).
#include <array>
#include <utility>

#include "../common/kernel_ids.h"
#include "../common/unary_math.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

template <int OP>
__global__ void bias_activation_kernel(float* z, const float* bias, float* out, size_t m, size_t n, float p) {
  const size_t total = m * n;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total; i += size_t(gridDim.x) * blockDim.x) {
    float v = z[i];
    if (bias != nullptr) {
      v += bias[i % n];
      z[i] = v;
    }
    out[i] = unary_forward<OP>(v, p);
  }
}

using Launch = void (*)(cudaStream_t, float*, const float*, float*, size_t, size_t, float);

template <int OP>
void launch_one(cudaStream_t s, float* z, const float* bias, float* out, size_t m, size_t n, float p) {
  bias_activation_kernel<OP><<<grid_for(m * n), kThreads, 0, s>>>(z, bias, out, m, n, p);
}

template <size_t... I>
constexpr std::array<Launch, sizeof...(I)> table(std::index_sequence<I...>) { return {launch_one<I>...}; }
const auto kTable = table(std::make_index_sequence<kUnaryOpCount>());

}  // namespace

void launch_bias_activation(cudaStream_t s, float* z, const float* bias, float* out, size_t m, size_t n, int act,
                            float param) {
  if (m * n == 0) return;
  // linear, no bias, z == out: nothing to do.
  if (bias == nullptr && act == static_cast<int>(UnaryOp::linear) && z == out) return;
  kTable[act](s, z, bias, out, m, n, param);
}

}  // namespace cuda
}  // namespace myelin
