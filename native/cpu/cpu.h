// Internal interfaces shared between the files of the CPU flavour.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Loops cloned for AVX-512 / AVX2 / baseline, the variant picked at load time.
#if defined(__x86_64__) && defined(__linux__) && !defined(__clang__)
#define MYELIN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MYELIN_CLONES
#endif

namespace myelin {

// ---- GEMM (row-major): C[m, n] = alpha op(A) op(B) + beta C --------------------------------------------
// op(A) is [m, k] (A stored [k, m] when ta); op(B) is [k, n] (B stored [n, k] when tb).
void sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b, float beta,
           float* c);
void sgemm_builtin(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
                   float beta, float* c);
// The GEMM of small problems (gemm_small.cc): runs it and returns true when n <= kSmallGemmMaxColumns and
// m * n * k <= kSmallGemmVolume, else returns false without touching C.
constexpr size_t kSmallGemmMaxColumns = 16;
constexpr size_t kSmallGemmVolume = 4096;
bool sgemm_small(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
                 float beta, float* c);
// 'avx512' | 'avx2' | 'scalar': the instruction set the built-in kernels use on this processor.
const char* simd_level();

// ---- BLAS loaded at run time ---------------------------------------------------------------------------
using CblasSgemm = void (*)(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                            int lda, const float* b, int ldb, float beta, float* c, int ldc);
struct BlasLibrary {
  CblasSgemm sgemm = nullptr;  // null: use the built-in GEMM
  std::string library = "builtin";
  std::string path;  // empty for builtin
  std::vector<std::string> tried;
};
// Loads the BLAS named by `request` ("" searches the usual places, "builtin" uses none, else a file
// path) and caps its threads. Returns false with `error` set when an explicit path cannot be used.
bool load_blas(const std::string& request, int threads, std::string* error);
const BlasLibrary& blas();

// ---- elementwise helpers used by other kernels -----------------------------------------------------------
// out[i] = f(x[i]; p) for i < n (x may equal out). op is a valid UnaryOp id.
void apply_unary(int op, const float* x, float* out, size_t n, float p);
// dx[i] = dy[i] * f'(x[i]; p) for i < n, as the unaryGrad kernel computes it. op is a valid UnaryOp id.
void apply_unary_grad(int op, const float* x, const float* y, const float* dy, float* dx, size_t n, float p);
// out[o, i] = op over m of x[o, m, i] with mid >= 1, as the reduce kernel computes it. op is a ReduceOp id.
void apply_reduce(int op, const float* x, float* out, size_t outer, size_t mid, size_t inner);

}  // namespace myelin
