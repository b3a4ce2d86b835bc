// Gaussian noise: y = x + stddev * z, z from Philox4x32-10 by Box-Muller (native/common/gaussian_noise.h, the code the
// cpu flavour runs). The call counter lives on the device in a 4-float state buffer that the one launch reads and
// then advances by one (the last block to finish stores it, as dropout.cu does), so a captured graph replayed N
// times draws N fresh noise tensors.
#include "../common/gaussian_noise.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// Blocks of the noise launch in flight that have finished; 0 between launches (one stream: launches run in order).
__device__ unsigned int g_noise_blocks_done = 0;

__global__ void gaussian_noise_kernel(const float* x, float* y, float* state, size_t n, float stddev, uint32_t k0,
                                      uint32_t k1) {
  const uint64_t t = dropout_counter(state);
  const size_t blocks = (n + 3) / 4;
  for (size_t b = blockIdx.x * size_t(blockDim.x) + threadIdx.x; b < blocks; b += size_t(gridDim.x) * blockDim.x) {
    float z[4];
    gaussian_block(b, t, k0, k1, z);
    for (int j = 0; j < 4; ++j) {
      const size_t i = 4 * b + j;
      if (i < n) y[i] = __fadd_rn(x[i], __fmul_rn(stddev, z[j]));
    }
  }
  advance_counter_at_end(&g_noise_blocks_done, state, t);
}

}  // namespace

void launch_gaussian_noise(cudaStream_t s, const float* x, float* y, float* state, size_t n, float stddev, uint32_t k0,
                           uint32_t k1) {
  // At least one block, also for n == 0: the counter advances on every call.
  gaussian_noise_kernel<<<grid_for((n + 3) / 4), kThreads, 0, s>>>(x, y, state, n, stddev, k0, k1);
}

}  // namespace cuda
}  // namespace myelin
