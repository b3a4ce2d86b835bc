// roundToHalf: float32 values rounded to the nearest bfloat16 or float16 value and widened back to float32, with
// the CUDA conversion intrinsics (round to nearest even; float16 overflows to infinity, NaN stays NaN), the values
// a bf16/fp16 GEMM reads. The CPU flavour computes the same values with native/common/half_round.h.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

__global__ void round_bfloat16_kernel(const float* x, float* out, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = __bfloat162float(__float2bfloat16_rn(x[i]));
  }
}

__global__ void round_float16_kernel(const float* x, float* out, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    out[i] = __half2float(__float2half_rn(x[i]));
  }
}

}  // namespace

void launch_round_to_half(cudaStream_t s, const float* x, float* out, size_t n, bool float16) {
  if (n == 0) return;
  if (float16) {
    round_float16_kernel<<<grid_for(n), kThreads, 0, s>>>(x, out, n);
  } else {
    round_bfloat16_kernel<<<grid_for(n), kThreads, 0, s>>>(x, out, n);
  }
}

}  // namespace cuda
}  // namespace myelin
