// GEMM for small problems: at most kSmallGemmMaxColumns columns and m * n * k up to kSmallGemmVolume. A BLAS
// call costs a few hundred nanoseconds before it multiplies anything (argument checks, a lock around its
// buffer pool, packing), more than these problems take; a 2-10-1 network's training step is five of them.
// Every C[i, j] is accumulated over p in the order p = 0, 1, ..., k - 1, then C[i, j] = alpha acc + beta C[i, j]:
// row by row in registers (the row's width a compile-time constant), or, for a transposed A and at most 4
// columns, column by column as vector loops over the rows.
#include <array>
#include <utility>

#include "cpu.h"

namespace myelin {

namespace {

// C[i, j] = alpha s + beta C[i, j]; beta == 0 ignores what C held (BLAS semantics).
inline float blend(float s, float alpha, float beta, float c) { return beta == 0.f ? alpha * s : alpha * s + beta * c; }

// C[m, N] from op(A) (A[i, p] = a[i * aRow + p * aCol]) and B rows of N contiguous floats (row p at b + p * N).
template <size_t N>
MYELIN_CLONES void rows_of(size_t m, size_t k, float alpha, const float* a, size_t aRow, size_t aCol, const float* b,
                           float beta, float* c) {
  for (size_t i = 0; i < m; ++i) {
    float acc[N] = {};
    const float* ai = a + i * aRow;
    for (size_t p = 0; p < k; ++p) {
      const float aip = ai[p * aCol];
      const float* bp = b + p * N;
#pragma omp simd
      for (size_t j = 0; j < N; ++j) acc[j] += aip * bp[j];
    }
    float* ci = c + i * N;
    for (size_t j = 0; j < N; ++j) ci[j] = blend(acc[j], alpha, beta, ci[j]);
  }
}

// The same for A stored [k, m] (transA) and fewer than 8 columns: accumulated column by column over the
// contiguous columns of A, so that the loop over i is a vector loop rather than N chains of k additions.
template <size_t N>
MYELIN_CLONES void columns_of(size_t m, size_t k, float alpha, const float* a, const float* b, float beta, float* c) {
  float acc[kSmallGemmVolume];  // acc[j * m + i]; m * N <= m * N * k
  for (size_t e = 0; e < m * N; ++e) acc[e] = 0.f;
  for (size_t p = 0; p < k; ++p) {
    const float* ap = a + p * m;
    for (size_t j = 0; j < N; ++j) {
      const float bpj = b[p * N + j];
      float* accj = acc + j * m;
#pragma omp simd
      for (size_t i = 0; i < m; ++i) accj[i] += ap[i] * bpj;
    }
  }
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < N; ++j) c[i * N + j] = blend(acc[j * m + i], alpha, beta, c[i * N + j]);
}

using RowsFn = void (*)(size_t, size_t, float, const float*, size_t, size_t, const float*, float, float*);

template <size_t... Ns>
constexpr auto rows_table(std::index_sequence<Ns...>) {
  return std::array<RowsFn, sizeof...(Ns)>{{&rows_of<Ns + 1>...}};
}

}  // namespace

bool sgemm_small(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
                 float beta, float* c) {
  if (n == 0 || n > kSmallGemmMaxColumns || m * n * k > kSmallGemmVolume) return false;
  static constexpr auto kRows = rows_table(std::make_index_sequence<kSmallGemmMaxColumns>{});
  float packed[kSmallGemmVolume];
  const float* rowsOfB = b;
  if (tb) {  // B stored [n, k]: copy op(B) = B^T into rows of n floats
    for (size_t p = 0; p < k; ++p)
      for (size_t j = 0; j < n; ++j) packed[p * n + j] = b[j * k + p];
    rowsOfB = packed;
  }
  switch (ta ? n : 0) {
    case 1:
      columns_of<1>(m, k, alpha, a, rowsOfB, beta, c);
      break;
    case 2:
      columns_of<2>(m, k, alpha, a, rowsOfB, beta, c);
      break;
    case 3:
      columns_of<3>(m, k, alpha, a, rowsOfB, beta, c);
      break;
    case 4:
      columns_of<4>(m, k, alpha, a, rowsOfB, beta, c);
      break;
    default:
      kRows[n - 1](m, k, alpha, a, ta ? 1 : k, ta ? m : 1, rowsOfB, beta, c);
  }
  return true;
}

}  // namespace myelin
