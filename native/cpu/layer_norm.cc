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
        double s = 0.0;
        for (size_t j = 0; j < cols; ++j) s += xr[j];
        const double mu = s / static_cast<double>(cols);
        double v = 0.0;
        for (size_t j = 0; j < cols; ++j) {
          const double d = xr[j] - mu;
          v += d * d;
        }
        const double inv = 1.0 / std::sqrt(v / static_cast<double>(cols) + eps);
        mean.data[r] = static_cast<float>(mu);
        rstd.data[r] = static_cast<float>(inv);
        for (size_t j = 0; j < cols; ++j) {
          double h = (xr[j] - mu) * inv;
          if (gamma.data != nullptr) h *= gamma.data[j];
          if (beta.data != nullptr) h += beta.data[j];
          yr[j] = static_cast<float>(h);
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
        double sg = 0.0, sgx = 0.0;
        for (size_t j = 0; j < cols; ++j) {
          const double g = gamma.data != nullptr ? static_cast<double>(dyr[j]) * gamma.data[j] : dyr[j];
          sg += g;
          sgx += g * (xr[j] - mu) * inv;
        }
        const double mg = sg / static_cast<double>(cols), mgx = sgx / static_cast<double>(cols);
        for (size_t j = 0; j < cols; ++j) {
          const double g = gamma.data != nullptr ? static_cast<double>(dyr[j]) * gamma.data[j] : dyr[j];
          dxr[j] = static_cast<float>(inv * (g - mg - (xr[j] - mu) * inv * mgx));
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
