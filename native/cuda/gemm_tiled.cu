// The built-in SGEMM, used when cuBLAS cannot be opened: row-major C[m, n] = alpha op(A) op(B) + beta C for
// every transpose combination. Shared-memory blocking: each 256-thread block computes a 64 x 64 tile of C,
// stepping through k in slices of 16; each thread owns a 4 x 4 micro-tile kept in registers and reads its
// operands from shared memory as float4 (vectorized). Global loads are coalesced along the contiguous
// dimension of each operand and bounds-checked (zero padding), so any m, n, k works. beta == 0 never reads C
// (C may hold NaN), as BLAS specifies.
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

constexpr int BM = 64, BN = 64, BK = 16, TM = 4, TN = 4, kGemmThreads = 256;
constexpr int PAD = 4;  // keeps rows 16-byte aligned for float4 reads and spreads the stores over banks

template <bool TA, bool TB>
__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(size_t m, size_t n, size_t k, float alpha, const float* __restrict__ a,
                                                            const float* __restrict__ b, float beta, float* __restrict__ c) {
  __shared__ __align__(16) float As[BK][BM + PAD];  // As[kk][i] = op(A)[row0 + i, k0 + kk]
  __shared__ __align__(16) float Bs[BK][BN + PAD];  // Bs[kk][j] = op(B)[k0 + kk, col0 + j]
  const int t = threadIdx.x, tx = t % (BN / TN), ty = t / (BN / TN);
  const size_t col0 = static_cast<size_t>(blockIdx.x) * BN;

  for (size_t row0 = static_cast<size_t>(blockIdx.y) * BM; row0 < m; row0 += static_cast<size_t>(gridDim.y) * BM) {
    float acc[TM][TN] = {};
    for (size_t k0 = 0; k0 < k; k0 += BK) {
      // Each thread stores BM * BK / 256 = 4 elements of each tile.
#pragma unroll
      for (int q = 0; q < (BM * BK) / kGemmThreads; ++q) {
        const int e = t + q * kGemmThreads;
        int i, kk;
        if (TA) kk = e / BM, i = e % BM;  // A stored [k, m]: consecutive threads read consecutive i
        else i = e / BK, kk = e % BK;     // A stored [m, k]: consecutive threads read consecutive kk
        const size_t gi = row0 + i, gk = k0 + kk;
        float v = 0.f;
        if (gi < m && gk < k) v = TA ? a[gk * m + gi] : a[gi * k + gk];
        As[kk][i] = v;
      }
#pragma unroll
      for (int q = 0; q < (BN * BK) / kGemmThreads; ++q) {
        const int e = t + q * kGemmThreads;
        int j, kk;
        if (TB) j = e / BK, kk = e % BK;  // B stored [n, k]
        else kk = e / BN, j = e % BN;     // B stored [k, n]
        const size_t gj = col0 + j, gk = k0 + kk;
        float v = 0.f;
        if (gj < n && gk < k) v = TB ? b[gj * k + gk] : b[gk * n + gj];
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
        float* dst = c + gi * n + gj;
        *dst = beta == 0.f ? alpha * acc[x][y] : alpha * acc[x][y] + beta * *dst;
      }
    }
  }
}

}  // namespace

void launch_gemm_tiled(cudaStream_t s, bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a,
                       const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  const size_t gx = (n + BN - 1) / BN, gyNeed = (m + BM - 1) / BM;
  const dim3 grid(static_cast<unsigned>(gx), static_cast<unsigned>(gyNeed < 65535 ? gyNeed : 65535));
  if (!ta && !tb) gemm_kernel<false, false><<<grid, kGemmThreads, 0, s>>>(m, n, k, alpha, a, b, beta, c);
  else if (ta && !tb) gemm_kernel<true, false><<<grid, kGemmThreads, 0, s>>>(m, n, k, alpha, a, b, beta, c);
  else if (!ta && tb) gemm_kernel<false, true><<<grid, kGemmThreads, 0, s>>>(m, n, k, alpha, a, b, beta, c);
  else gemm_kernel<true, true><<<grid, kGemmThreads, 0, s>>>(m, n, k, alpha, a, b, beta, c);
}

}  // namespace cuda
}  // namespace myelin
