// Row-wise softmax / log-softmax of [rows, cols], their gradients, and the fused softmax cross-entropy with
// its gradient. One block per row; every row subtracts its maximum first (lse = max + log sum exp(x - max)),
// and a row whose maximum is not finite gets lse = max, like the CPU flavour.
#include <cmath>

#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// The maximum of one row and log sum_j exp(x_j - max), computed by the whole block; every thread gets both.
// Outputs are formed from (x_j - max) so that large logits lose no precision to the cancellation x_j - lse.
struct RowStats {
  float mx;
  float sum;     // sum_j exp(x_j - mx)
  float logSum;  // log(sum)
};

__device__ RowStats row_stats(const float* x, size_t cols, float* scratch) {
  float mx = -INFINITY;
  for (size_t j = threadIdx.x; j < cols; j += blockDim.x) mx = nan_max(mx, x[j]);
  mx = block_max(mx, scratch);
  if (!isfinite(mx)) return {mx, 1.f, 0.f};
  float s = 0.f;
  for (size_t j = threadIdx.x; j < cols; j += blockDim.x) s += expf(x[j] - mx);
  s = block_sum(s, scratch);
  return {mx, s, logf(s)};
}

unsigned row_blocks(size_t rows) { return static_cast<unsigned>(rows < 65535u * 16u ? rows : 65535u * 16u); }

__global__ void softmax_kernel(const float* x, float* out, size_t rows, size_t cols, bool log) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    const RowStats st = row_stats(xr, cols, scratch);
    const float inv = 1.f / st.sum;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
      o[j] = log ? (xr[j] - st.mx) - st.logSum : expf(xr[j] - st.mx) * inv;
    }
  }
}

// softmax: dx = y (dy - sum_j dy_j y_j); log-softmax: dx = dy - exp(y) sum_j dy_j
__global__ void softmax_grad_kernel(const float* y, const float* dy, float* dx, size_t rows, size_t cols, bool log) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float *yr = y + r * cols, *g = dy + r * cols;
    float* o = dx + r * cols;
    float s = 0.f;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) s += log ? g[j] : g[j] * yr[j];
    s = block_sum(s, scratch);
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) o[j] = log ? g[j] - expf(yr[j]) * s : yr[j] * (g[j] - s);
  }
}

// The class of a sparse target, or -1 when it is not an integer in [0, cols).
__device__ __forceinline__ long long target_class(float t, size_t cols) {
  if (!(t >= 0.f) || t >= static_cast<float>(cols) || floorf(t) != t) return -1;
  return static_cast<long long>(t);
}

// probs = softmax(logits); loss_r = sum_j t_rj ((mx_r - x_rj) + log sum_r) (sparse: (mx_r - x_r,c) + log sum_r)
__global__ void softmax_xent_kernel(const float* x, const float* t, float* probs, float* loss, size_t rows, size_t cols,
                                    bool sparse) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* p = probs + r * cols;
    const RowStats st = row_stats(xr, cols, scratch);
    const float inv = 1.f / st.sum;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) p[j] = expf(xr[j] - st.mx) * inv;
    if (sparse) {
      if (threadIdx.x == 0) {
        const long long c = target_class(t[r], cols);
        loss[r] = c < 0 ? NAN : (st.mx - xr[c]) + st.logSum;
      }
    } else {
      const float* tr = t + r * cols;
      float l = 0.f;
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x) l += tr[j] * ((st.mx - xr[j]) + st.logSum);
      l = block_sum(l, scratch);
      if (threadIdx.x == 0) loss[r] = l;
    }
  }
}

// dLogits[r, j] = g_r (probs[r, j] sum_i t[r, i] - t[r, j]) (sparse: t one-hot), g_r = dl[r * dl_stride] * dl_scale;
// one block per row. The sum of the targets keeps the gradient exact for rows that do not sum to 1, as the CPU
// flavour.
__global__ void softmax_xent_grad_kernel(const float* p, const float* t, const float* dl, size_t dl_stride,
                                         float dl_scale, float* dx, size_t rows, size_t cols, bool sparse) {
  __shared__ float scratch[32];
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* pr = p + r * cols;
    float* o = dx + r * cols;
    const float g = __fmul_rn(dl[r * dl_stride], dl_scale);  // rounded on its own, as the CPU flavour
    if (sparse) {
      const long long c = target_class(t[r], cols);
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
        o[j] = c < 0 ? NAN : g * (pr[j] - (static_cast<size_t>(c) == j ? 1.f : 0.f));
      }
    } else {
      const float* tr = t + r * cols;
      float ts = 0.f;
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x) ts += tr[j];
      ts = block_sum(ts, scratch);
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x) o[j] = g * (pr[j] * ts - tr[j]);
    }
  }
}

}  // namespace

void launch_softmax(cudaStream_t s, const float* x, float* out, size_t rows, size_t cols, bool log) {
  if (rows == 0 || cols == 0) return;
  softmax_kernel<<<row_blocks(rows), row_threads(cols), 0, s>>>(x, out, rows, cols, log);
}

void launch_softmax_grad(cudaStream_t s, const float* y, const float* dy, float* dx, size_t rows, size_t cols,
                         bool log) {
  if (rows == 0 || cols == 0) return;
  softmax_grad_kernel<<<row_blocks(rows), row_threads(cols), 0, s>>>(y, dy, dx, rows, cols, log);
}

void launch_softmax_xent(cudaStream_t s, const float* logits, const float* targets, float* probs, float* loss,
                         size_t rows, size_t cols, bool sparse) {
  if (rows == 0 || cols == 0) return;
  softmax_xent_kernel<<<row_blocks(rows), row_threads(cols), 0, s>>>(logits, targets, probs, loss, rows, cols, sparse);
}

void launch_softmax_xent_grad(cudaStream_t s, const float* probs, const float* targets, const float* dloss,
                              size_t dloss_stride, float dloss_scale, float* dlogits, size_t rows, size_t cols,
                              bool sparse) {
  if (rows == 0 || cols == 0) return;
  softmax_xent_grad_kernel<<<row_blocks(rows), row_threads(cols), 0, s>>>(probs, targets, dloss, dloss_stride,
                                                                          dloss_scale, dlogits, rows, cols, sparse);
}

}  // namespace cuda
}  // namespace myelin
