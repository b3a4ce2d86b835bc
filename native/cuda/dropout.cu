// Dropout with masks from Philox4x32-10 (native/common/philox.h, the same code the CPU flavour runs): y = x * mask,
// mask = keep / (1 - rate). The call counter lives on the device in a 4-float state buffer: the mask kernel reads
// it, a one-thread kernel after it advances it by one, both on the stream, so that a captured graph replayed N
// times draws N fresh masks.
#include "../common/philox.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// One thread per block of 4 elements (grid-stride).
__global__ void dropout_kernel(const float* x, float* y, float* mask, const float* state, size_t n, uint32_t k0,
                               uint32_t k1, uint32_t threshold, float scale) {
  const uint64_t t = dropout_counter(state);
  const size_t blocks = (n + 3) / 4;
  for (size_t b = blockIdx.x * size_t(blockDim.x) + threadIdx.x; b < blocks; b += size_t(gridDim.x) * blockDim.x) {
    float m[4];
    dropout_block(b, t, k0, k1, threshold, scale, m);
    for (int j = 0; j < 4; ++j) {
      const size_t i = 4 * b + j;
      if (i < n) {
        mask[i] = m[j];
        y[i] = __fmul_rn(x[i], m[j]);
      }
    }
  }
}

__global__ void dropout_advance_kernel(float* state) {
  if (blockIdx.x == 0 && threadIdx.x == 0) dropout_store_counter(state, dropout_counter(state) + 1);
}

}  // namespace

void launch_dropout(cudaStream_t s, const float* x, float* y, float* mask, float* state, size_t n, uint32_t k0,
                    uint32_t k1, uint32_t threshold, float scale) {
  if (n > 0) dropout_kernel<<<grid_for((n + 3) / 4), kThreads, 0, s>>>(x, y, mask, state, n, k0, k1, threshold, scale);
  dropout_advance_kernel<<<1, 1, 0, s>>>(state);
}

}  // namespace cuda
}  // namespace myelin
