// Layer normalization over the rows of a [rows, cols] matrix: one block per row for the forward pass and for dx
// (block sums: the mean, then the variance about it), one thread per column for dgamma and dbeta (rows in order).
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// One block per row (grid-stride beyond the cap).
unsigned norm_row_blocks(size_t rows) { return static_cast<unsigned>(rows < 65535u * 16u ? rows : 65535u * 16u); }

__global__ void layer_norm_kernel(const float* x, const float* gamma, const float* beta, float* y, float* mean,
                                  float* rstd, size_t rows, size_t cols, float eps) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float s = 0.f;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    const float mu = block_sum(s, scratch) / static_cast<float>(cols);
    float v = 0.f;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) v += (xr[j] - mu) * (xr[j] - mu);
    const float inv = 1.f / sqrtf(block_sum(v, scratch) / static_cast<float>(cols) + eps);
    if (threadIdx.x == 0) {
      mean[r] = mu;
      rstd[r] = inv;
    }
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
      float h = (xr[j] - mu) * inv;
      if (gamma != nullptr) h *= gamma[j];
      if (beta != nullptr) h += beta[j];
      yr[j] = h;
    }
  }
}

__global__ void layer_norm_dx_kernel(const float* x, const float* gamma, const float* mean, const float* rstd,
                                     const float* dy, float* dx, size_t rows, size_t cols) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    const float mu = mean[r], inv = rstd[r];
    float sg = 0.f, sgx = 0.f;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const float g = gamma != nullptr ? dyr[j] * gamma[j] : dyr[j];
      sg += g;
      sgx += g * ((xr[j] - mu) * inv);
    }
    const float mg = block_sum(sg, scratch) / static_cast<float>(cols);
    const float mgx = block_sum(sgx, scratch) / static_cast<float>(cols);
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const float g = gamma != nullptr ? dyr[j] * gamma[j] : dyr[j];
      dx[r * cols + j] = inv * (g - mg - ((xr[j] - mu) * inv) * mgx);
    }
  }
}

__global__ void layer_norm_params_kernel(const float* x, const float* mean, const float* rstd, const float* dy,
                                         float* dgamma, float* dbeta, size_t rows, size_t cols) {
  for (size_t j = blockIdx.x * size_t(blockDim.x) + threadIdx.x; j < cols; j += size_t(gridDim.x) * blockDim.x) {
    float dg = 0.f, db = 0.f;
    for (size_t r = 0; r < rows; ++r) {
      const float d = dy[r * cols + j];
      dg += d * ((x[r * cols + j] - mean[r]) * rstd[r]);
      db += d;
    }
    dgamma[j] = dg;
    dbeta[j] = db;
  }
}

}  // namespace

void launch_layer_norm(cudaStream_t s, const float* x, const float* gamma, const float* beta, float* y, float* mean,
                       float* rstd, size_t rows, size_t cols, float eps) {
  if (rows == 0 || cols == 0) return;
  layer_norm_kernel<<<norm_row_blocks(rows), row_threads(cols), 0, s>>>(x, gamma, beta, y, mean, rstd, rows, cols, eps);
}

void launch_layer_norm_grad(cudaStream_t s, const float* x, const float* gamma, const float* mean, const float* rstd,
                            const float* dy, float* dx, float* dgamma, float* dbeta, size_t rows, size_t cols) {
  if (cols == 0) return;
  if (rows > 0)
    layer_norm_dx_kernel<<<norm_row_blocks(rows), row_threads(cols), 0, s>>>(x, gamma, mean, rstd, dy, dx, rows, cols);
  layer_norm_params_kernel<<<grid_for(cols), kThreads, 0, s>>>(x, mean, rstd, dy, dgamma, dbeta, rows, cols);
}

}  // namespace cuda
}  // namespace myelin
