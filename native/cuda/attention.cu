// Attention kernels: the strided batched GEMM (shared-memory tiles, one grid layer per matrix) and the masked
// softmax (one block per row, as softmax.cu).
#include <cmath>

#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

constexpr int kTile = 16;

// C_z = alpha op(A_z) op(B_z) + beta C_z for the matrices z = blockIdx.z, blockIdx.z + gridDim.z, ...: a 16 x 16
// block computes one 16 x 16 tile of C, walking k in tiles staged in shared memory.
__global__ void batched_gemm_kernel(BatchedGemmShape g, const float* a, const float* b, float* c) {
  __shared__ float as[kTile][kTile + 1];
  __shared__ float bs[kTile][kTile + 1];
  const size_t count = g.outer * g.inner;
  const size_t i = size_t(blockIdx.y) * kTile + threadIdx.y, j = size_t(blockIdx.x) * kTile + threadIdx.x;
  for (size_t z = blockIdx.z; z < count; z += gridDim.z) {
    const size_t o = z / g.inner, h = z % g.inner;
    const float* az = a + o * g.aOuter + h * g.aInner;
    const float* bz = b + o * g.bOuter + h * g.bInner;
    float acc = 0.f;
    for (size_t p0 = 0; p0 < g.k; p0 += kTile) {
      // as[y][x] = op(A)[tile row y, p0 + x]; bs[y][x] = op(B)[p0 + y, tile column x]
      const size_t ar = size_t(blockIdx.y) * kTile + threadIdx.y, ap = p0 + threadIdx.x;
      as[threadIdx.y][threadIdx.x] = ar < g.m && ap < g.k ? (g.ta ? az[ap * g.lda + ar] : az[ar * g.lda + ap]) : 0.f;
      const size_t bp = p0 + threadIdx.y, bc = size_t(blockIdx.x) * kTile + threadIdx.x;
      bs[threadIdx.y][threadIdx.x] = bp < g.k && bc < g.n ? (g.tb ? bz[bc * g.ldb + bp] : bz[bp * g.ldb + bc]) : 0.f;
      __syncthreads();
      for (int p = 0; p < kTile; ++p) acc += as[threadIdx.y][p] * bs[p][threadIdx.x];
      __syncthreads();
    }
    if (i < g.m && j < g.n) {
      float* cz = c + o * g.cOuter + h * g.cInner + i * g.ldc + j;
      *cz = g.beta == 0.f ? g.alpha * acc : g.alpha * acc + g.beta * *cz;
    }
  }
}

// One block per row r of [batch, heads, rows, cols]: softmax over the entries the mask and the causal rule keep.
__global__ void masked_softmax_kernel(const float* x, const float* mask, float* y, size_t heads, size_t rows,
                                      size_t cols, size_t total_rows, bool causal) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < total_rows; r += gridDim.x) {
    const size_t t = r % rows, bi = r / (rows * heads);
    const float* xr = x + r * cols;
    const float* mr = mask == nullptr ? nullptr : mask + (bi * rows + t) * cols;
    float* yr = y + r * cols;
    const size_t last = causal ? (t + 1 < cols ? t + 1 : cols) : cols;
    float mx = -INFINITY;
    float on = 0.f;  // entries that take part (counted so that a row without any is told apart from -inf logits)
    for (size_t s = threadIdx.x; s < last; s += blockDim.x) {
      if (mr != nullptr && mr[s] == 0.f) continue;
      mx = nan_max(mx, xr[s]);
      on += 1.f;
    }
    mx = block_max(mx, scratch);
    on = block_sum(on, scratch);
    float sum = 0.f;
    for (size_t s = threadIdx.x; s < cols; s += blockDim.x) {
      const bool keep = on > 0.f && s < last && (mr == nullptr || mr[s] != 0.f);
      const float e = keep ? expf(xr[s] - mx) : 0.f;
      yr[s] = e;
      sum += e;
    }
    sum = block_sum(sum, scratch);
    const float inv = on > 0.f ? 1.f / sum : 0.f;
    for (size_t s = threadIdx.x; s < cols; s += blockDim.x) yr[s] *= inv;
  }
}

}  // namespace

void launch_batched_gemm(cudaStream_t s, const BatchedGemmShape& g, const float* a, const float* b, float* c) {
  const size_t count = g.outer * g.inner;
  if (count == 0 || g.m == 0 || g.n == 0) return;
  const dim3 threads(kTile, kTile);
  const dim3 blocks(unsigned((g.n + kTile - 1) / kTile), unsigned((g.m + kTile - 1) / kTile),
                    unsigned(count < 65535 ? count : 65535));
  batched_gemm_kernel<<<blocks, threads, 0, s>>>(g, a, b, c);
}

void launch_masked_softmax(cudaStream_t s, const float* x, const float* mask, float* y, size_t batch, size_t heads,
                           size_t rows, size_t cols, bool causal) {
  const size_t total = batch * heads * rows;
  if (total == 0 || cols == 0) return;
  const unsigned blocks = unsigned(total < 65535u * 16u ? total : 65535u * 16u);
  masked_softmax_kernel<<<blocks, row_threads(cols), 0, s>>>(x, mask, y, heads, rows, cols, total, causal);
}

}  // namespace cuda
}  // namespace myelin
