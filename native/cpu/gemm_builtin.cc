// The built-in SGEMM (used when no BLAS library is found, or with MYELIN_BLAS=builtin).
// GotoBLAS/BLIS structure: for each KC x NC panel of op(B) packed into NR-wide strips and each MC x KC
// block of op(A) packed (times alpha) into MR-tall strips, a register-blocked micro-kernel computes an
// MR x NR tile of C += Ap Bp. Micro-kernels: AVX-512 (8 x 32), AVX2+FMA (6 x 16), scalar (4 x 8), chosen
// at run time. Large problems are split over the thread pool along the longer side of C.
#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "../common/thread_pool.h"
#include "cpu.h"

namespace myelin {

namespace {

constexpr size_t KC = 256, MC = 96, NC = 4096;
using MicroKernel = void (*)(size_t kc, const float* a, const float* b, float* c, size_t ldc);

__attribute__((target("avx512f"))) void kernel_avx512(size_t kc, const float* a, const float* b, float* c, size_t ldc) {
  __m512 acc[8][2];
  for (int i = 0; i < 8; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (size_t p = 0; p < kc; ++p, a += 8, b += 32) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < 8; ++i) {
    float* ci = c + i * ldc;
    _mm512_storeu_ps(ci, _mm512_add_ps(_mm512_loadu_ps(ci), acc[i][0]));
    _mm512_storeu_ps(ci + 16, _mm512_add_ps(_mm512_loadu_ps(ci + 16), acc[i][1]));
  }
}

__attribute__((target("avx2,fma"))) void kernel_avx2(size_t kc, const float* a, const float* b, float* c, size_t ldc) {
  __m256 acc[6][2];
  for (int i = 0; i < 6; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (size_t p = 0; p < kc; ++p, a += 6, b += 16) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < 6; ++i) {
    float* ci = c + i * ldc;
    _mm256_storeu_ps(ci, _mm256_add_ps(_mm256_loadu_ps(ci), acc[i][0]));
    _mm256_storeu_ps(ci + 8, _mm256_add_ps(_mm256_loadu_ps(ci + 8), acc[i][1]));
  }
}

void kernel_scalar(size_t kc, const float* a, const float* b, float* c, size_t ldc) {
  float acc[4][8] = {};
  for (size_t p = 0; p < kc; ++p, a += 4, b += 8)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 8; ++j) acc[i][j] += a[i] * b[j];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 8; ++j) c[i * ldc + j] += acc[i][j];
}

struct Spec {
  size_t mr, nr;
  MicroKernel kernel;
  const char* name;
};

const Spec& spec() {
  static const Spec s = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return Spec{8, 32, kernel_avx512, "avx512"};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Spec{6, 16, kernel_avx2, "avx2"};
    return Spec{4, 8, kernel_scalar, "scalar"};
  }();
  return s;
}

// A strided matrix view: element (i, j) = data[i * rs + j * cs].
struct View {
  const float* data;
  size_t rs, cs;
  float at(size_t i, size_t j) const { return data[i * rs + j * cs]; }
};

// 64-byte aligned scratch that grows and is kept per thread.
float* scratch(int slot, size_t floats) {
  thread_local float* buf[2] = {nullptr, nullptr};
  thread_local size_t cap[2] = {0, 0};
  if (cap[slot] < floats) {
    std::free(buf[slot]);
    buf[slot] = static_cast<float*>(std::aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64));
    cap[slot] = floats;
  }
  return buf[slot];
}

// Packs rows [0, mc) x cols [0, kc) of A (times alpha) into MR-tall strips: Ap[s][p][r], zero-padded.
void pack_a(const View& A, size_t mc, size_t kc, float alpha, size_t mr, float* out) {
  for (size_t i0 = 0; i0 < mc; i0 += mr) {
    const size_t rows = std::min(mr, mc - i0);
    for (size_t p = 0; p < kc; ++p) {
      for (size_t r = 0; r < rows; ++r) out[r] = alpha * A.at(i0 + r, p);
      for (size_t r = rows; r < mr; ++r) out[r] = 0.f;
      out += mr;
    }
  }
}

// Packs rows [0, kc) x cols [0, nc) of B into NR-wide strips: Bp[s][p][c], zero-padded.
void pack_b(const View& B, size_t kc, size_t nc, size_t nr, float* out) {
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t cols = std::min(nr, nc - j0);
    for (size_t p = 0; p < kc; ++p) {
      if (B.cs == 1) {
        std::memcpy(out, B.data + p * B.rs + j0, cols * sizeof(float));
      } else {
        for (size_t c = 0; c < cols; ++c) out[c] = B.at(p, j0 + c);
      }
      for (size_t c = cols; c < nr; ++c) out[c] = 0.f;
      out += nr;
    }
  }
}

// C[m, n] (row stride ldc) = alpha A B + beta C on one thread.
void gemm_serial(const View& A, const View& B, size_t m, size_t n, size_t k, float alpha, float beta, float* c,
                 size_t ldc) {
  for (size_t i = 0; i < m; ++i) {  // C = beta C; beta == 0 clears (NaN in C does not propagate)
    float* row = c + i * ldc;
    if (beta == 0.f)
      std::fill(row, row + n, 0.f);
    else if (beta != 1.f)
      for (size_t j = 0; j < n; ++j) row[j] *= beta;
  }
  if (k == 0 || alpha == 0.f) return;
  const Spec& s = spec();
  const size_t mcMax = (MC + s.mr - 1) / s.mr * s.mr;
  float* ap = scratch(0, mcMax * KC);
  float* bp = scratch(1, KC * ((std::min(n, NC) + s.nr - 1) / s.nr * s.nr));
  alignas(64) float tile[8 * 32];
  for (size_t jc = 0; jc < n; jc += NC) {
    const size_t nc = std::min(NC, n - jc);
    for (size_t pc = 0; pc < k; pc += KC) {
      const size_t kc = std::min(KC, k - pc);
      pack_b(View{B.data + pc * B.rs + jc * B.cs, B.rs, B.cs}, kc, nc, s.nr, bp);
      for (size_t ic = 0; ic < m; ic += mcMax) {
        const size_t mc = std::min(mcMax, m - ic);
        pack_a(View{A.data + ic * A.rs + pc * A.cs, A.rs, A.cs}, mc, kc, alpha, s.mr, ap);
        for (size_t jr = 0; jr < nc; jr += s.nr) {
          const size_t cols = std::min(s.nr, nc - jr);
          for (size_t ir = 0; ir < mc; ir += s.mr) {
            const size_t rows = std::min(s.mr, mc - ir);
            float* cij = c + (ic + ir) * ldc + jc + jr;
            const float* a = ap + ir * kc;
            const float* b = bp + jr * kc;
            if (rows == s.mr && cols == s.nr) {
              s.kernel(kc, a, b, cij, ldc);
            } else {  // edge tile: compute into a scratch tile, add the valid part
              std::fill(tile, tile + s.mr * s.nr, 0.f);
              s.kernel(kc, a, b, tile, s.nr);
              for (size_t r = 0; r < rows; ++r)
                for (size_t q = 0; q < cols; ++q) cij[r * ldc + q] += tile[r * s.nr + q];
            }
          }
        }
      }
    }
  }
}

}  // namespace

const char* simd_level() { return spec().name; }

void sgemm_builtin(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
                   float beta, float* c) {
  if (m == 0 || n == 0) return;
  const View A = ta ? View{a, 1, m} : View{a, k, 1};  // op(A)(i, p)
  const View B = tb ? View{b, 1, k} : View{b, n, 1};  // op(B)(p, j)
  const Spec& s = spec();
  const double work = static_cast<double>(m) * n * (k + 1);
  const int threads = work < 64.0 * 64 * 64 ? 1 : num_threads();
  if (threads <= 1) return gemm_serial(A, B, m, n, k, alpha, beta, c, n);
  if (n >= m) {  // split columns of C into NR-aligned chunks
    const size_t per = ((n + threads - 1) / threads + s.nr - 1) / s.nr * s.nr;
    run_tasks(threads, [&](int t) {
      const size_t j0 = per * t, j1 = std::min(n, j0 + per);
      if (j0 < j1) gemm_serial(A, View{B.data + j0 * B.cs, B.rs, B.cs}, m, j1 - j0, k, alpha, beta, c + j0, n);
    });
  } else {  // split rows of C
    const size_t per = ((m + threads - 1) / threads + s.mr - 1) / s.mr * s.mr;
    run_tasks(threads, [&](int t) {
      const size_t i0 = per * t, i1 = std::min(m, i0 + per);
      if (i0 < i1) gemm_serial(View{A.data + i0 * A.rs, A.rs, A.cs}, B, i1 - i0, n, k, alpha, beta, c + i0 * n, n);
    });
  }
}

}  // namespace myelin
