// Dropout with masks from Philox4x32-10 (native/common/philox.h, the same code the CPU flavour runs): y = x * mask,
// mask = keep / (1 - rate). The call counter lives on the device in a 4-float state buffer that the one launch
// reads and then advances by one, so that a captured graph replayed N times draws N fresh masks.
#include "../common/philox.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// Blocks of the dropout launch in flight that have finished; 0 between launches (work on the one stream runs in
// order, graph replays included, so one counter serves every call).
__device__ unsigned int g_dropout_blocks_done = 0;

// One thread per block of 4 elements (grid-stride). Every thread reads the counter first; the last block to finish
// (all the others have read it by then) advances it, so one launch draws the mask and moves the state on.
__global__ void dropout_kernel(const float* x, float* y, float* mask, float* state, size_t n, uint32_t k0, uint32_t k1,
                               uint32_t threshold, float scale) {
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
  advance_counter_at_end(&g_dropout_blocks_done, state, t);
}

}  // namespace

void launch_dropout(cudaStream_t s, const float* x, float* y, float* mask, float* state, size_t n, uint32_t k0,
                    uint32_t k1, uint32_t threshold, float scale) {
  // At least one block, also for n == 0: the counter advances on every call.
  dropout_kernel<<<grid_for((n + 3) / 4), kThreads, 0, s>>>(x, y, mask, state, n, k0, k1, threshold, scale);
}

}  // namespace cuda
}  // namespace myelin
