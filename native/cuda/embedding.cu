// Embedding lookup by float ids held in a device buffer, and its gradient: a clear of the table's gradient and a
// scatter-add (atomicAdd: ids repeat). Each id is checked on the device (a compiled step brings new ids every
// batch): a bad one gives a NaN row (lookup) or is skipped (gradient). lib/ops/embedding.ts checks ids when the
// data is given.
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// The row of id, or -1 when it is not an integer in [0, rows).
__device__ __forceinline__ long long embedding_row(float id, size_t rows) {
  if (!(id >= 0.f) || id >= static_cast<float>(rows) || floorf(id) != id) return -1;
  return static_cast<long long>(id);
}

// One thread per element of the [count, row_size] result.
__global__ void embedding_lookup_kernel(const float* table, size_t rows, const float* ids, float* out, size_t count,
                                        size_t row_size) {
  const size_t n = count * row_size;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t k = i / row_size, j = i - k * row_size;
    const long long r = embedding_row(ids[k], rows);
    out[i] = r < 0 ? NAN : table[static_cast<size_t>(r) * row_size + j];
  }
}

__global__ void embedding_clear_kernel(float* d, size_t n) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) d[i] = 0.f;
}

__global__ void embedding_scatter_kernel(const float* dy, const float* ids, float* d_table, size_t rows, size_t count,
                                         size_t row_size) {
  const size_t n = count * row_size;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const size_t k = i / row_size, j = i - k * row_size;
    const long long r = embedding_row(ids[k], rows);
    if (r >= 0) atomicAdd(d_table + static_cast<size_t>(r) * row_size + j, dy[i]);
  }
}

}  // namespace

void launch_embedding_lookup(cudaStream_t s, const float* table, size_t rows, const float* ids, float* out,
                             size_t count, size_t row_size) {
  const size_t n = count * row_size;
  if (n > 0) embedding_lookup_kernel<<<grid_for(n), kThreads, 0, s>>>(table, rows, ids, out, count, row_size);
}

void launch_embedding_grad(cudaStream_t s, const float* dy, const float* ids, float* d_table, size_t table_len,
                           size_t count, size_t row_size) {
  if (table_len > 0) embedding_clear_kernel<<<grid_for(table_len), kThreads, 0, s>>>(d_table, table_len);
  const size_t n = count * row_size;
  if (n > 0)
    embedding_scatter_kernel<<<grid_for(n), kThreads, 0, s>>>(dy, ids, d_table, table_len / row_size, count, row_size);
}

}  // namespace cuda
}  // namespace myelin
