// Attention kernels: the strided batched GEMM (one CBLAS sgemm per matrix with its row strides, the matrices
// spread over the thread pool; a plain loop kernel without a BLAS library) and the masked softmax.
#include <cmath>
#include <vector>

#include "../common/args.h"
#include "../common/attention_args.h"
#include "../common/thread_pool.h"
#include "cell_activations.h"
#include "cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;  // CBLAS enum values

// C[m, n] (rows ldc apart) += alpha op(A) op(B) after C = beta C; B is first copied to a dense [k, n] panel so the
// inner loop runs over contiguous floats whatever its layout.
MYELIN_CLONES void loop_gemm(const BatchedGemmArgs& g, const float* a, const float* b, float* c,
                             std::vector<float>& panel) {
  const size_t m = g.m, n = g.n, k = g.k;
  panel.resize(k * n);
  for (size_t p = 0; p < k; ++p)
    for (size_t j = 0; j < n; ++j) panel[p * n + j] = g.tb ? b[j * g.b.ld + p] : b[p * g.b.ld + j];
  for (size_t i = 0; i < m; ++i) {
    float* crow = c + i * g.c.ld;
    for (size_t j = 0; j < n; ++j) crow[j] = g.beta == 0.f ? 0.f : g.beta * crow[j];
    for (size_t p = 0; p < k; ++p) {
      const float aip = g.alpha * (g.ta ? a[p * g.a.ld + i] : a[i * g.a.ld + p]);
      const float* brow = panel.data() + p * n;
      for (size_t j = 0; j < n; ++j) crow[j] += aip * brow[j];
    }
  }
}

void one_gemm(const BatchedGemmArgs& g, const float* a, const float* b, float* c, std::vector<float>& panel) {
  const CblasSgemm blasSgemm = blas().sgemm;
  const size_t limit = 0x7fffffff;
  if (blasSgemm != nullptr && g.k > 0 && g.m <= limit && g.n <= limit && g.k <= limit && g.a.ld <= limit &&
      g.b.ld <= limit && g.c.ld <= limit) {
    blasSgemm(kRowMajor, g.ta ? kTrans : kNoTrans, g.tb ? kTrans : kNoTrans, int(g.m), int(g.n), int(g.k), g.alpha, a,
              int(g.a.ld), b, int(g.b.ld), g.beta, c, int(g.c.ld));
    return;
  }
  loop_gemm(g, a, b, c, panel);
}

}  // namespace

// batchedGemm(a, aStrides, b, bStrides, out, outStrides, sizes, transA, transB, alpha, beta)
Kernel PrepareBatchedGemm(const Args& args) {
  const F32 a = args.f32(0, "a"), b = args.f32(2, "b"), out = args.f32(4, "out");
  const BatchedGemmArgs g = batched_gemm_args(args);
  args.need(a, g.aNeed, "a");
  args.need(b, g.bNeed, "b");
  args.need(out, g.cNeed, "out");
  const size_t count = g.outer * g.inner;
  if (count == 0 || g.m == 0 || g.n == 0) return Kernel();
  const size_t work = g.m * g.n * (g.k + 1);
  return [=] {
    parallel_for(count, std::max<size_t>(1, kParallelMin / 8 / work), [&](size_t begin, size_t end) {
      std::vector<float> panel;
      for (size_t i = begin; i < end; ++i) {
        const size_t o = i / g.inner, h = i % g.inner;
        one_gemm(g, a.data + o * g.a.outer + h * g.a.inner, b.data + o * g.b.outer + h * g.b.inner,
                 out.data + o * g.c.outer + h * g.c.inner, panel);
      }
    });
  };
}

namespace {

// One row of the unmasked softmax over its first `last` entries (the causal prefix, or all): max, exp and sum
// branch-free in float so that they run as SIMD (the cell kernels' polynomial exp, relative error ~2e-7); a NaN
// entry makes the whole prefix NaN, as the masked path gives.
// Compiled with the options of cell_activations.h (no trapping math), or its fast_exp is not inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif
MYELIN_CLONES void softmax_prefix(const float* xr, float* yr, size_t last) {
  float mx = xr[0];
#pragma omp simd reduction(max : mx)
  for (size_t s = 0; s < last; ++s) mx = xr[s] > mx ? xr[s] : mx;
  float sum = 0.f;
#pragma omp simd reduction(+ : sum)
  for (size_t s = 0; s < last; ++s) {
    const float e = cell::fast_exp(xr[s] - mx);
    yr[s] = e;
    sum += e;
  }
  const float inv = 1.f / sum;
#pragma omp simd
  for (size_t s = 0; s < last; ++s) yr[s] *= inv;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// One row with a mask row `mr` (entries where it is 0 take no part), over the first `last` entries; returns false
// when no entry takes part (the caller then writes zeros).
bool masked_softmax_prefix(const float* xr, const float* mr, float* yr, size_t last) {
  float mx = -INFINITY;
  bool any = false;
  for (size_t s = 0; s < last; ++s) {
    if (mr[s] == 0.f) continue;
    mx = any ? (xr[s] > mx || xr[s] != xr[s] ? xr[s] : mx) : xr[s];
    any = true;
  }
  if (!any) return false;
  double sum = 0.0;
  for (size_t s = 0; s < last; ++s) {
    const float e = mr[s] != 0.f ? std::exp(xr[s] - mx) : 0.f;
    yr[s] = e;
    sum += e;
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t s = 0; s < last; ++s) yr[s] *= inv;
  return true;
}

}  // namespace

// maskedSoftmax(x, mask, y, batch, heads, rows, cols, causal): softmax over the entries with mask[b, t, s] != 0
// (and s <= t when causal), 0 elsewhere; a row with none is all 0.
Kernel PrepareMaskedSoftmax(const Args& args) {
  const F32 x = args.f32(0, "x"), mask = args.f32OrNull(1, "mask"), y = args.f32(2, "y");
  const MaskedSoftmaxArgs g = masked_softmax_args(args);
  args.need(x, g.count, "x");
  args.need(y, g.count, "y");
  if (mask.data != nullptr) args.need(mask, g.maskCount, "mask");
  if (g.count == 0) return Kernel();
  const size_t rowsAll = g.batch * g.heads * g.rows;
  return [=] {
    parallel_for(rowsAll, std::max<size_t>(1, kParallelMin / 16 / g.cols), [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        const size_t t = r % g.rows, b = r / (g.rows * g.heads);
        const float* xr = x.data + r * g.cols;
        float* yr = y.data + r * g.cols;
        size_t last = g.causal ? std::min(g.cols, t + 1) : g.cols;  // entries from `last` on never take part
        if (mask.data == nullptr) {
          softmax_prefix(xr, yr, last);
        } else if (!masked_softmax_prefix(xr, mask.data + (b * g.rows + t) * g.cols, yr, last)) {
          last = 0;
        }
        for (size_t s = last; s < g.cols; ++s) yr[s] = 0.f;
      }
    });
  };
}

}  // namespace myelin
