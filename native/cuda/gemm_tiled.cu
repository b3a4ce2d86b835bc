// The built-in SGEMM, used when cuBLAS cannot be opened: row-major C[m, n] = alpha op(A) op(B) + beta C for
// every transpose combination. Shared-memory blocking: each 256-thread block computes a 64 x 64 tile of C (a
// 64-thread block a 32 x 32 tile, when 64 x 64 tiles would be fewer than a GPU's multiprocessors), stepping
// through k in slices of 16; each thread owns a 4 x 4 micro-tile kept in registers and reads its operands from
// shared memory as float4 (vectorized). Global loads are coalesced along the contiguous
// dimension of each operand and bounds-checked (zero padding), so any m, n, k works. beta == 0 never reads C
// (C may hold NaN), as BLAS specifies.
// A GEMM of still fewer tiles than a GPU has multiprocessors and a long k (a weight gradient x^T dy of a
// narrow layer over a large batch: one tile, k = the batch) would run on a few SMs, each walking all of k. It
// splits k into slices instead (grid.z), each block writing its tile's partial sums to the scratch, and a
// second kernel adds the slices in order and applies alpha and beta. The split depends on the shape only.
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

constexpr int BK = 16, TM = 4, TN = 4;
constexpr int PAD = 4;  // keeps rows 16-byte aligned for float4 reads and spreads the stores over banks
constexpr int kBigTile = 64, kSmallTile = 32;  // BM = BN; a block has (BM / TM) * (BN / TN) threads

constexpr size_t kFillTiles = kSplitTargetSms;       // fewer 64 x 64 tiles take 32 x 32 ones; fewer still split k
constexpr size_t kFillBlocks = 2 * kSplitTargetSms;  // what a split aims at: two blocks per SM
constexpr size_t kMinSlice = 256;                    // k per slice at least
constexpr size_t kScratchFloats = kKernelScratchBytes / sizeof(float);

// Block (x, y, z) computes the tiles of column block x and row blocks y, y + gridDim.y, ... over k in
// [z * k_slice, min((z + 1) * k_slice, k)). With `partial`, it stores its sums to partial[z][row][col] (alpha,
// beta and C are the combine kernel's); else it writes C. k_slice is a multiple of BK (or k, unsplit).
template <bool TA, bool TB, int BM, int BN = BM, int kGemmThreads = (BM / TM) * (BN / TN)>
__global__ void __launch_bounds__(kGemmThreads)
    gemm_kernel(size_t m, size_t n, size_t k, float alpha, const float* __restrict__ a, const float* __restrict__ b,
                float beta, float* __restrict__ c, size_t k_slice, float* __restrict__ partial) {
  __shared__ __align__(16) float As[BK][BM + PAD];  // As[kk][i] = op(A)[row0 + i, k0 + kk]
  __shared__ __align__(16) float Bs[BK][BN + PAD];  // Bs[kk][j] = op(B)[k0 + kk, col0 + j]
  const int t = threadIdx.x, tx = t % (BN / TN), ty = t / (BN / TN);
  const size_t col0 = static_cast<size_t>(blockIdx.x) * BN;
  const size_t k_begin = blockIdx.z * k_slice;
  const size_t k_end = k_begin + k_slice < k ? k_begin + k_slice : k;

  for (size_t row0 = static_cast<size_t>(blockIdx.y) * BM; row0 < m; row0 += static_cast<size_t>(gridDim.y) * BM) {
    float acc[TM][TN] = {};
    for (size_t k0 = k_begin; k0 < k_end; k0 += BK) {
      // Each thread stores BM * BK / kGemmThreads elements of each tile (4 of 64 x 64, 8 of 32 x 32).
#pragma unroll
      for (int q = 0; q < (BM * BK) / kGemmThreads; ++q) {
        const int e = t + q * kGemmThreads;
        int i, kk;
        if (TA)
          kk = e / BM, i = e % BM;  // A stored [k, m]: consecutive threads read consecutive i
        else
          i = e / BK, kk = e % BK;  // A stored [m, k]: consecutive threads read consecutive kk
        const size_t gi = row0 + i, gk = k0 + kk;
        float v = 0.f;
        if (gi < m && gk < k_end) v = TA ? a[gk * m + gi] : a[gi * k + gk];
        As[kk][i] = v;
      }
#pragma unroll
      for (int q = 0; q < (BN * BK) / kGemmThreads; ++q) {
        const int e = t + q * kGemmThreads;
        int j, kk;
        if (TB)
          j = e / BK, kk = e % BK;  // B stored [n, k]
        else
          kk = e / BN, j = e % BN;  // B stored [k, n]
        const size_t gj = col0 + j, gk = k0 + kk;
        float v = 0.f;
        if (gj < n && gk < k_end) v = TB ? b[gj * k + gk] : b[gk * n + gj];
        Bs[kk][j] = v;
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < BK; ++kk) {
        const float4 av = *reinterpret_cast<const float4*>(&As[kk][ty * TM]);
        const float4 bv = *reinterpret_cast<const float4*>(&Bs[kk][tx * TN]);
        const float ar[TM] = {av.x, av.y, av.z, av.w};
        const float br[TN] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
        for (int x = 0; x < TM; ++x)
#pragma unroll
          for (int y = 0; y < TN; ++y) acc[x][y] = fmaf(ar[x], br[y], acc[x][y]);
      }
      __syncthreads();
    }
#pragma unroll
    for (int x = 0; x < TM; ++x) {
      const size_t gi = row0 + ty * TM + x;
      if (gi >= m) continue;
#pragma unroll
      for (int y = 0; y < TN; ++y) {
        const size_t gj = col0 + tx * TN + y;
        if (gj >= n) continue;
        if (partial != nullptr) {
          partial[(blockIdx.z * m + gi) * n + gj] = acc[x][y];
          continue;
        }
        float* dst = c + gi * n + gj;
        *dst = beta == 0.f ? alpha * acc[x][y] : alpha * acc[x][y] + beta * *dst;
      }
    }
  }
}

// C[e] = alpha * (partial[0][e] + partial[1][e] + ...) + beta * C[e], the slices added in order.
__global__ void gemm_combine_kernel(const float* __restrict__ partial, size_t slices, size_t mn, float alpha,
                                    float beta, float* __restrict__ c) {
  for (size_t e = blockIdx.x * size_t(blockDim.x) + threadIdx.x; e < mn; e += size_t(gridDim.x) * blockDim.x) {
    float sum = partial[e];
    for (size_t s = 1; s < slices; ++s) sum = __fadd_rn(sum, partial[s * mn + e]);
    c[e] = beta == 0.f ? alpha * sum : alpha * sum + beta * c[e];
  }
}

// The k per slice of a split GEMM, or k when it does not split.
size_t k_slice_of(size_t m, size_t n, size_t k, size_t tiles, bool have_scratch) {
  if (!have_scratch || tiles >= kFillTiles || k < 2 * kMinSlice || m * n > kScratchFloats / 2) return k;
  size_t slices = (kFillBlocks + tiles - 1) / tiles;
  if (slices > k / kMinSlice) slices = k / kMinSlice;
  if (slices > kScratchFloats / (m * n)) slices = kScratchFloats / (m * n);
  if (slices < 2) return k;
  const size_t even = (k + slices - 1) / slices;
  return (even + BK - 1) / BK * BK;
}

// Launches one tile size's kernel for the transpose combination.
template <int TILE>
void launch_tiles(cudaStream_t s, bool ta, bool tb, dim3 grid, size_t m, size_t n, size_t k, float alpha,
                  const float* a, const float* b, float beta, float* c, size_t k_slice, float* partial) {
  constexpr int threads = (TILE / TM) * (TILE / TN);
  if (!ta && !tb)
    gemm_kernel<false, false, TILE><<<grid, threads, 0, s>>>(m, n, k, alpha, a, b, beta, c, k_slice, partial);
  else if (ta && !tb)
    gemm_kernel<true, false, TILE><<<grid, threads, 0, s>>>(m, n, k, alpha, a, b, beta, c, k_slice, partial);
  else if (!ta && tb)
    gemm_kernel<false, true, TILE><<<grid, threads, 0, s>>>(m, n, k, alpha, a, b, beta, c, k_slice, partial);
  else
    gemm_kernel<true, true, TILE><<<grid, threads, 0, s>>>(m, n, k, alpha, a, b, beta, c, k_slice, partial);
}

}  // namespace

void launch_gemm_tiled(cudaStream_t s, bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a,
                       const float* b, float beta, float* c, void* scratch) {
  if (m == 0 || n == 0) return;
  const auto tiles_of = [&](size_t tile) { return ((n + tile - 1) / tile) * ((m + tile - 1) / tile); };
  const size_t tile = tiles_of(kBigTile) < kFillTiles ? kSmallTile : kBigTile;
  const size_t gx = (n + tile - 1) / tile, gyNeed = (m + tile - 1) / tile;
  const size_t k_slice = k_slice_of(m, n, k, gx * gyNeed, scratch != nullptr);
  const size_t slices = k_slice < k ? (k + k_slice - 1) / k_slice : 1;
  float* partial = slices > 1 ? static_cast<float*>(scratch) : nullptr;
  const dim3 grid(static_cast<unsigned>(gx), static_cast<unsigned>(gyNeed < 65535 ? gyNeed : 65535),
                  static_cast<unsigned>(slices));
  if (tile == kSmallTile)
    launch_tiles<kSmallTile>(s, ta, tb, grid, m, n, k, alpha, a, b, beta, c, k_slice, partial);
  else
    launch_tiles<kBigTile>(s, ta, tb, grid, m, n, k, alpha, a, b, beta, c, k_slice, partial);
  if (partial != nullptr) {
    const size_t mn = m * n;
    gemm_combine_kernel<<<static_cast<unsigned>((mn + kThreads - 1) / kThreads), kThreads, 0, s>>>(partial, slices, mn,
                                                                                                   alpha, beta, c);
  }
}

}  // namespace cuda
}  // namespace myelin
