// Layer normalization over the rows of a [rows, cols] matrix, forward and backward in one kernel each: row
// statistics in double, two passes (mean, then the variance about it), rows split across the thread pool.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../common/args.h"
#include "../common/thread_pool.h"
#include "kernel.h"

namespace myelin {

namespace {

template <class F>
void for_row_blocks(size_t rows, size_t cols, F&& fn) {
  parallel_for(rows, std::max<size_t>(1, kParallelMin / 4 / (cols ? cols : 1)), fn);
}

// sum_j f(j) for j < n in double, over four interleaved partial sums (a single running sum is bound by the latency
// of each addition; four independent ones keep the adder busy). The order is fixed: results repeat bit for bit.
template <class F>
double sum4(size_t n, F&& f) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += f(j);
    s1 += f(j + 1);
    s2 += f(j + 2);
    s3 += f(j + 3);
  }
  for (; j < n; ++j) s0 += f(j);
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

// layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, epsilon)
Kernel PrepareLayerNorm(const Args& args) {
  const F32 x = args.f32(0, "x"), gamma = args.f32OrNull(1, "gamma"), beta = args.f32OrNull(2, "beta");
  const F32 y = args.f32(3, "y"), mean = args.f32(4, "mean"), rstd = args.f32(5, "rstd");
  const size_t rows = args.size(6, "rows"), cols = args.size(7, "cols");
  const double eps = args.num(8, "epsilon");
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(x, n, "x");
  args.need(y, n, "y");
  args.need(mean, rows, "mean");
  args.need(rstd, rows, "rstd");
  if (gamma.data != nullptr) args.need(gamma, cols, "gamma");
  if (beta.data != nullptr) args.need(beta, cols, "beta");
  if (rows == 0 || cols == 0) return Kernel();
  return [=] {
    for_row_blocks(rows, cols, [&](size_t b, size_t e) {
      for (size_t r = b; r < e; ++r) {
        const float* xr = x.data + r * cols;
        float* yr = y.data + r * cols;
        const double mu = sum4(cols, [&](size_t j) { return static_cast<double>(xr[j]); }) / static_cast<double>(cols);
        const double v = sum4(cols, [&](size_t j) {
          const double d = xr[j] - mu;
          return d * d;
        });
        const double inv = 1.0 / std::sqrt(v / static_cast<double>(cols) + eps);
        mean.data[r] = static_cast<float>(mu);
        rstd.data[r] = static_cast<float>(inv);
        // One loop per case, free of branches, so that each vectorizes.
        if (gamma.data != nullptr && beta.data != nullptr) {
          for (size_t j = 0; j < cols; ++j)
            yr[j] = static_cast<float>((xr[j] - mu) * inv * gamma.data[j] + beta.data[j]);
        } else if (gamma.data != nullptr) {
          for (size_t j = 0; j < cols; ++j) yr[j] = static_cast<float>((xr[j] - mu) * inv * gamma.data[j]);
        } else if (beta.data != nullptr) {
          for (size_t j = 0; j < cols; ++j) yr[j] = static_cast<float>((xr[j] - mu) * inv + beta.data[j]);
        } else {
          for (size_t j = 0; j < cols; ++j) yr[j] = static_cast<float>((xr[j] - mu) * inv);
        }
      }
    });
  };
}

// layerNormGrad(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols)
Kernel PrepareLayerNormGrad(const Args& args) {
  const F32 x = args.f32(0, "x"), gamma = args.f32OrNull(1, "gamma"), mean = args.f32(2, "mean");
  const F32 rstd = args.f32(3, "rstd"), dy = args.f32(4, "dy"), dx = args.f32(5, "dx");
  const F32 dgamma = args.f32(6, "dgamma"), dbeta = args.f32(7, "dbeta");
  const size_t rows = args.size(8, "rows"), cols = args.size(9, "cols");
  const size_t n = args.mul(rows, cols, "rows * cols");
  args.need(x, n, "x");
  args.need(dy, n, "dy");
  args.need(dx, n, "dx");
  args.need(mean, rows, "mean");
  args.need(rstd, rows, "rstd");
  args.need(dgamma, cols, "dgamma");
  args.need(dbeta, cols, "dbeta");
  if (gamma.data != nullptr) args.need(gamma, cols, "gamma");
  return [=] {
    if (cols == 0) return;
    // dx row by row, rows split across threads.
    for_row_blocks(rows, cols, [&](size_t b, size_t e) {
      for (size_t r = b; r < e; ++r) {
        const float* xr = x.data + r * cols;
        const float* dyr = dy.data + r * cols;
        float* dxr = dx.data + r * cols;
        const double mu = mean.data[r], inv = rstd.data[r];
        const float* gm = gamma.data;
        // sum_j g and sum_j g xhat, each over four interleaved partial sums (as sum4).
        const auto g_of = [&](size_t j) {
          return gm != nullptr ? static_cast<double>(dyr[j]) * gm[j] : static_cast<double>(dyr[j]);
        };
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;
        size_t j = 0;
        for (; j + 4 <= cols; j += 4) {
          const double g0 = g_of(j), g1 = g_of(j + 1), g2 = g_of(j + 2), g3 = g_of(j + 3);
          a0 += g0, a1 += g1, a2 += g2, a3 += g3;
          b0 += g0 * ((xr[j] - mu) * inv), b1 += g1 * ((xr[j + 1] - mu) * inv);
          b2 += g2 * ((xr[j + 2] - mu) * inv), b3 += g3 * ((xr[j + 3] - mu) * inv);
        }
        for (; j < cols; ++j) a0 += g_of(j), b0 += g_of(j) * ((xr[j] - mu) * inv);
        const double mg = ((a0 + a1) + (a2 + a3)) / static_cast<double>(cols);
        const double mgx = ((b0 + b1) + (b2 + b3)) / static_cast<double>(cols);
        if (gm != nullptr) {
          for (size_t j = 0; j < cols; ++j)
            dxr[j] = static_cast<float>(inv * (static_cast<double>(dyr[j]) * gm[j] - mg - (xr[j] - mu) * inv * mgx));
        } else {
          for (size_t j = 0; j < cols; ++j) dxr[j] = static_cast<float>(inv * (dyr[j] - mg - (xr[j] - mu) * inv * mgx));
        }
      }
    });
    // dgamma and dbeta: column sums over every row, columns split across threads (rows in order: deterministic).
    parallel_for(cols, std::max<size_t>(1, kParallelMin / 4 / (rows ? rows : 1)), [&](size_t b, size_t e) {
      std::vector<double> dg(e - b, 0.0), db(e - b, 0.0);
      for (size_t r = 0; r < rows; ++r) {
        const float* xr = x.data + r * cols;
        const float* dyr = dy.data + r * cols;
        const double mu = mean.data[r], inv = rstd.data[r];
        for (size_t j = b; j < e; ++j) {
          dg[j - b] += dyr[j] * ((xr[j] - mu) * inv);
          db[j - b] += dyr[j];
        }
      }
      for (size_t j = b; j < e; ++j) {
        dgamma.data[j] = static_cast<float>(dg[j - b]);
        dbeta.data[j] = static_cast<float>(db[j - b]);
      }
    });
  };
}

}  // namespace myelin
