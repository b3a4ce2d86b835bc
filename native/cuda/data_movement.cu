// Data movement: strided copy (transpose, slice, concat, pad, broadcast expansion), with accumulation by
// atomicAdd (so targets that repeat, e.g. the gradient of a broadcast, add up correctly), and row gather /
// scatter-add for embeddings (scatter with atomicAdd: indices may repeat).
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

template <bool ACCUMULATE>
__global__ void copy_strided_kernel(const float* x, float* out, StridedSpace sp, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    size_t rest = i;
    int64_t ox = 0, oo = 0;
    for (int d = sp.rank - 1; d >= 0; --d) {
      const int64_t idx = static_cast<int64_t>(rest % static_cast<size_t>(sp.dim[d]));
      rest /= static_cast<size_t>(sp.dim[d]);
      ox += idx * sp.s0[d];
      oo += idx * sp.s1[d];
    }
    if (ACCUMULATE)
      atomicAdd(out + oo, x[ox]);
    else
      out[oo] = x[ox];
  }
}

// One thread per element of the [count, rowSize] result.
__global__ void gather_rows_kernel(const float* x, const int32_t* idx, float* out, size_t count, size_t row_size) {
  const size_t n = count * row_size;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t r = i / row_size, j = i - r * row_size;
    out[i] = x[static_cast<size_t>(idx[r]) * row_size + j];
  }
}

// Both gathers of a training step in one launch: the first count * row_x elements are x's rows, the rest y's.
__global__ void gather_row_pairs_kernel(const float* x, float* x_out, size_t row_x, const float* y, float* y_out,
                                        size_t row_y, const int32_t* idx, size_t count) {
  const size_t nx = count * row_x, n = nx + count * row_y;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    if (i < nx) {
      const size_t r = i / row_x, j = i - r * row_x;
      x_out[i] = x[static_cast<size_t>(idx[r]) * row_x + j];
    } else {
      const size_t k = i - nx, r = k / row_y, j = k - r * row_y;
      y_out[k] = y[static_cast<size_t>(idx[r]) * row_y + j];
    }
  }
}

__global__ void scatter_add_rows_kernel(const float* dy, const int32_t* idx, float* dx, size_t count, size_t row_size) {
  const size_t n = count * row_size;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t r = i / row_size, j = i - r * row_size;
    atomicAdd(dx + static_cast<size_t>(idx[r]) * row_size + j, dy[i]);
  }
}

}  // namespace

void launch_copy_strided(cudaStream_t s, const float* x, float* out, const StridedSpace& sp, size_t total,
                         bool accumulate) {
  if (total == 0) return;
  if (accumulate)
    copy_strided_kernel<true><<<grid_for(total), kThreads, 0, s>>>(x, out, sp, total);
  else
    copy_strided_kernel<false><<<grid_for(total), kThreads, 0, s>>>(x, out, sp, total);
}

void launch_gather_rows(cudaStream_t s, const float* x, const int32_t* idx, float* out, size_t count, size_t row_size) {
  const size_t n = count * row_size;
  if (n > 0) gather_rows_kernel<<<grid_for(n), kThreads, 0, s>>>(x, idx, out, count, row_size);
}

void launch_gather_row_pairs(cudaStream_t s, const float* x, float* x_out, size_t row_x, const float* y, float* y_out,
                             size_t row_y, const int32_t* idx, size_t count) {
  const size_t n = count * (row_x + row_y);
  if (n > 0) gather_row_pairs_kernel<<<grid_for(n), kThreads, 0, s>>>(x, x_out, row_x, y, y_out, row_y, idx, count);
}

void launch_scatter_add_rows(cudaStream_t s, const float* dy, const int32_t* idx, float* dx, size_t count,
                             size_t row_size) {
  const size_t n = count * row_size;
  if (n > 0) scatter_add_rows_kernel<<<grid_for(n), kThreads, 0, s>>>(dy, idx, dx, count, row_size);
}

}  // namespace cuda
}  // namespace myelin
