// Row-wise softmax / log-softmax of a [rows, cols] matrix, their gradients, and the fused softmax
// cross-entropy. Every row subtracts its maximum first, so any finite logits are safe.
#include <cmath>

#include "../common/args.h"
#include "kernel.h"
#include "../common/thread_pool.h"

namespace myelin {

namespace {

// Row statistics for a stable softmax: mx = max_j x_j, sum = sum_j exp(x_j - mx), lse = mx + log(sum).
// x_j - mx is exact in float for logits close to the maximum, so outputs are formed from it rather than
// from x_j - lse (which would lose digits for logits around +-1000).
struct RowStats {
  float mx;
  double sum, logSum;
};

RowStats row_stats(const float* x, size_t cols) {
  float mx = x[0];
  for (size_t j = 1; j < cols; ++j) mx = (x[j] > mx || x[j] != x[j]) ? x[j] : mx;
  double sum = 0.0;
  for (size_t j = 0; j < cols; ++j) sum += std::exp(static_cast<double>(x[j] - mx));
  return RowStats{mx, sum, std::log(sum)};
}

template <class F>
void for_rows(size_t rows, size_t cols, F&& fn) {
  parallel_for(rows, std::max<size_t>(1, kParallelMin / (cols ? cols : 1)), [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) fn(r);
  });
}

// Reads the sparse target of row r as a class index; throws on a non-integer or out-of-range class.
size_t target_class(const Args& args, const float* targets, size_t r, size_t cols) {
  const float t = targets[r];
  if (!(t >= 0.f) || t >= static_cast<float>(cols) || std::floor(t) != t) {
    args.rangeError("argument 'targets' holds class " + std::to_string(t) + " at row " + std::to_string(r) +
                    ", expected an integer in [0, " + std::to_string(cols) + ")");
  }
  return static_cast<size_t>(t);
}

// The class of a sparse target, or -1 when it is not an integer in [0, cols). A compiled program checks
// its targets when it is compiled only; later batches bring new targets, so the kernels use this and
// write NaN for a bad one instead of reading out of bounds.
long long class_or_none(float t, size_t cols) {
  if (!(t >= 0.f) || t >= static_cast<float>(cols) || std::floor(t) != t) return -1;
  return static_cast<long long>(t);
}

}  // namespace

// softmax(x, out, rows, cols, log): out = exp(x - lse) or x - lse per row
Kernel PrepareSoftmax(const Args& args) {
  const F32 x = args.f32(0, "x"), out = args.f32(1, "out");
  const size_t rows = args.size(2, "rows"), cols = args.size(3, "cols");
  const bool log = args.flag(4, "log");
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(x, n, "x");
  args.need(out, n, "out");
  if (cols == 0) return Kernel();
  return [=] {
    for_rows(rows, cols, [&](size_t r) {
      const float* xr = x.data + r * cols;
      float* o = out.data + r * cols;
      const RowStats st = row_stats(xr, cols);
      if (log) {
        for (size_t j = 0; j < cols; ++j) o[j] = static_cast<float>((xr[j] - st.mx) - st.logSum);
      } else {
        const double inv = 1.0 / st.sum;
        for (size_t j = 0; j < cols; ++j) o[j] = static_cast<float>(std::exp(static_cast<double>(xr[j] - st.mx)) * inv);
      }
    });
  };
}

// softmaxGrad(y, dy, dx, rows, cols, log):
//   softmax: dx = y (dy - sum_j dy_j y_j); log-softmax: dx = dy - exp(y) sum_j dy_j
Kernel PrepareSoftmaxGrad(const Args& args) {
  const F32 y = args.f32(0, "y"), dy = args.f32(1, "dy"), dx = args.f32(2, "dx");
  const size_t rows = args.size(3, "rows"), cols = args.size(4, "cols");
  const bool log = args.flag(5, "log");
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(y, n, "y");
  args.need(dy, n, "dy");
  args.need(dx, n, "dx");
  return [=] {
    for_rows(rows, cols, [&](size_t r) {
      const float *yr = y.data + r * cols, *g = dy.data + r * cols;
      float* o = dx.data + r * cols;
      double s = 0.0;
      if (log) {
        for (size_t j = 0; j < cols; ++j) s += g[j];
        for (size_t j = 0; j < cols; ++j) o[j] = g[j] - std::exp(yr[j]) * static_cast<float>(s);
      } else {
        for (size_t j = 0; j < cols; ++j) s += static_cast<double>(g[j]) * yr[j];
        for (size_t j = 0; j < cols; ++j) o[j] = yr[j] * (g[j] - static_cast<float>(s));
      }
    });
  };
}

// softmaxCrossEntropy(logits, targets, probs, loss, rows, cols, sparse):
//   probs = softmax(logits); loss[r] = lse_r sum_j t_rj - sum_j t_rj x_rj (sparse: lse_r - x_r,c)
Kernel PrepareSoftmaxCrossEntropy(const Args& args) {
  const F32 x = args.f32(0, "logits"), t = args.f32(1, "targets"), probs = args.f32(2, "probs");
  const F32 loss = args.f32(3, "loss");
  const size_t rows = args.size(4, "rows"), cols = args.size(5, "cols");
  const bool sparse = args.flag(6, "sparse");
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(x, n, "logits");
  args.need(t, sparse ? rows : n, "targets");
  args.need(probs, n, "probs");
  args.need(loss, rows, "loss");
  if (cols == 0) args.rangeError("argument 'cols' must be at least 1");
  if (sparse)
    for (size_t r = 0; r < rows; ++r) target_class(args, t.data, r, cols);  // validate first
  return [=] {
    for_rows(rows, cols, [&](size_t r) {
      const float* xr = x.data + r * cols;
      float* p = probs.data + r * cols;
      const RowStats st = row_stats(xr, cols);
      const double inv = 1.0 / st.sum;
      for (size_t j = 0; j < cols; ++j) p[j] = static_cast<float>(std::exp(static_cast<double>(xr[j] - st.mx)) * inv);
      if (sparse) {  // lse - x_c = (mx - x_c) + log(sum)
        const long long c = class_or_none(t.data[r], cols);
        loss.data[r] = c < 0 ? NAN : static_cast<float>((st.mx - xr[c]) + st.logSum);
      } else {  // sum_j t_j (lse - x_j) = sum_j t_j ((mx - x_j) + log(sum))
        const float* tr = t.data + r * cols;
        double l = 0.0;
        for (size_t j = 0; j < cols; ++j) l += static_cast<double>(tr[j]) * ((st.mx - xr[j]) + st.logSum);
        loss.data[r] = static_cast<float>(l);
      }
    });
  };
}

// softmaxCrossEntropyGrad(probs, targets, dLoss, dLogits, rows, cols, sparse, dLossStride, dLossScale):
//   dLogits[r, j] = g_r (probs[r, j] sum_i t[r, i] - t[r, j])  (sparse: t is one-hot),
//   g_r = dLoss[r * dLossStride] * dLossScale in float (stride 0: one upstream value for every row)
Kernel PrepareSoftmaxCrossEntropyGrad(const Args& args) {
  const F32 p = args.f32(0, "probs"), t = args.f32(1, "targets"), dl = args.f32(2, "dLoss");
  const F32 dx = args.f32(3, "dLogits");
  const size_t rows = args.size(4, "rows"), cols = args.size(5, "cols");
  const bool sparse = args.flag(6, "sparse");
  const Upstream up = args.upstream(7);
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(p, n, "probs");
  args.need(t, sparse ? rows : n, "targets");
  args.need(dl, up.length(rows), "dLoss");
  args.need(dx, n, "dLogits");
  if (sparse)
    for (size_t r = 0; r < rows; ++r) target_class(args, t.data, r, cols);
  return [=] {
    for_rows(rows, cols, [&](size_t r) {
      const float* pr = p.data + r * cols;
      float* o = dx.data + r * cols;
      const float g = dl.data[r * up.stride] * up.scale;
      if (sparse) {
        const long long c = class_or_none(t.data[r], cols);
        for (size_t j = 0; j < cols; ++j) o[j] = c < 0 ? NAN : g * pr[j];
        if (c >= 0) o[c] = g * (pr[c] - 1.f);
      } else {
        const float* tr = t.data + r * cols;  // exact for unnormalized targets: p_j sum_i t_i - t_j
        double tsum = 0.0;
        for (size_t j = 0; j < cols; ++j) tsum += tr[j];
        const float ts = static_cast<float>(tsum);
        for (size_t j = 0; j < cols; ++j) o[j] = g * (pr[j] * ts - tr[j]);
      }
    });
  };
}

}  // namespace myelin
