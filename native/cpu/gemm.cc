// GEMM entry point: the small-problem loops (gemm_small.cc), else CBLAS sgemm from the loaded library, or the
// built-in kernel.
#include "../common/args.h"
#include "kernel.h"
#include "cpu.h"

namespace myelin {

namespace {
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;  // CBLAS enum values
}

void sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b, float beta,
           float* c) {
  const CblasSgemm blasSgemm = blas().sgemm;
  // Degenerate sizes (k == 0 gives lda == 0, which CBLAS rejects) and int overflow stay built in.
  const size_t limit = 0x7fffffff;
  if (m != 0 && k != 0 && sgemm_small(ta, tb, m, n, k, alpha, a, b, beta, c)) return;
  if (blasSgemm == nullptr || m == 0 || n == 0 || k == 0 || m > limit || n > limit || k > limit) {
    return sgemm_builtin(ta, tb, m, n, k, alpha, a, b, beta, c);
  }
  const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n);
  blasSgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
            static_cast<int>(k), alpha, a, lda, b, ldb, beta, c, static_cast<int>(n));
}

// gemm(a, b, out, m, n, k, transA, transB, alpha, beta)
Kernel PrepareGemm(const Args& args) {
  const F32 a = args.f32(0, "a"), b = args.f32(1, "b"), out = args.f32(2, "out");
  const size_t m = args.size(3, "m"), n = args.size(4, "n"), k = args.size(5, "k");
  const bool ta = args.flag(6, "transA"), tb = args.flag(7, "transB");
  const float alpha = static_cast<float>(args.num(8, "alpha")), beta = static_cast<float>(args.num(9, "beta"));
  args.need(a, args.mul(m, k, "m * k"), "a");
  args.need(b, args.mul(k, n, "k * n"), "b");
  args.need(out, args.mul(m, n, "m * n"), "out");
  return [=] { sgemm(ta, tb, m, n, k, alpha, a.data, b.data, beta, out.data); };
}

}  // namespace myelin
