// 2-D max and average pooling, channels last (native/common/pool_geometry.h), with the cpu flavour's semantics: an
// average divides by the elements of its window inside the image; the max is the first largest element in row-major
// order, NaN winning, and its gradient goes to that element. Forward: one thread per output element (channels
// fastest, so a warp reads consecutive floats). Backward: one thread per element of x, which gathers the gradients of
// the windows that cover it (the max recomputes each window's choice), so no two threads write the same float and
// the result needs no atomics.
#include "../common/pool_geometry.h"
#include "kernels.h"
#include "launch.cuh"

namespace myelin {
namespace cuda {

namespace {

// The offset in image `xi` (h * w * c floats, at channel 0) of the first maximum of window (oh, ow), channel k.
__device__ size_t window_argmax(const PoolGeometry& g, const float* xi, size_t oh, size_t ow, size_t k) {
  const size_t r0 = g.rowBegin(oh), r1 = g.rowEnd(oh), c0 = g.colBegin(ow), c1 = g.colEnd(ow);
  size_t arg = (r0 * g.w + c0) * g.c;
  float best = xi[arg + k];
  for (size_t r = r0; r < r1; ++r) {
    for (size_t q = (r == r0 ? c0 + 1 : c0); q < c1; ++q) {
      const size_t o = (r * g.w + q) * g.c;
      const float v = xi[o + k];
      if (v > best || (v != v && best == best)) best = v, arg = o;
    }
  }
  return arg;
}

__global__ void pool2d_kernel(const float* x, float* y, PoolGeometry g, bool max) {
  const size_t total = g.outSize();
  for (size_t e = blockIdx.x * size_t(blockDim.x) + threadIdx.x; e < total; e += size_t(gridDim.x) * blockDim.x) {
    const size_t k = e % g.c, ow = (e / g.c) % g.outW, oh = (e / g.c / g.outW) % g.outH, i = e / g.c / g.outW / g.outH;
    const float* xi = x + i * g.h * g.w * g.c;
    if (max) {
      y[e] = xi[window_argmax(g, xi, oh, ow, k) + k];
      continue;
    }
    const size_t r0 = g.rowBegin(oh), r1 = g.rowEnd(oh), c0 = g.colBegin(ow), c1 = g.colEnd(ow);
    float sum = 0.f;
    for (size_t r = r0; r < r1; ++r)
      for (size_t q = c0; q < c1; ++q) sum = __fadd_rn(sum, xi[(r * g.w + q) * g.c + k]);
    y[e] = __fmul_rn(sum, (1.f / float((r1 - r0) * (c1 - c0))));
  }
}

// The output rows (or columns) whose windows cover input row r: [first, last] as a half-open [lo, hi).
__device__ void covering(size_t r, size_t pad, size_t pool, size_t stride, size_t out, size_t* lo, size_t* hi) {
  // window o covers r when o * stride - pad <= r < o * stride - pad + pool
  const size_t top = r + pad;  // o * stride <= top and o * stride > top - pool
  *lo = top + 1 > pool ? (top + 1 - pool + stride - 1) / stride : 0;
  const size_t h = top / stride + 1;
  *hi = h < out ? h : out;
}

__global__ void pool2d_grad_kernel(const float* x, const float* dy, float* dx, PoolGeometry g, bool max) {
  const size_t total = g.inSize();
  for (size_t e = blockIdx.x * size_t(blockDim.x) + threadIdx.x; e < total; e += size_t(gridDim.x) * blockDim.x) {
    const size_t k = e % g.c, iw = (e / g.c) % g.w, ih = (e / g.c / g.w) % g.h, i = e / g.c / g.w / g.h;
    const size_t self = (ih * g.w + iw) * g.c;
    size_t oh0, oh1, ow0, ow1;
    covering(ih, g.padTop, g.poolH, g.strideH, g.outH, &oh0, &oh1);
    covering(iw, g.padLeft, g.poolW, g.strideW, g.outW, &ow0, &ow1);
    const float* xi = max ? x + i * g.h * g.w * g.c : nullptr;
    const float* dyi = dy + i * g.outH * g.outW * g.c;
    float sum = 0.f;
    for (size_t oh = oh0; oh < oh1; ++oh) {
      for (size_t ow = ow0; ow < ow1; ++ow) {
        const float d = dyi[(oh * g.outW + ow) * g.c + k];
        if (max) {
          if (window_argmax(g, xi, oh, ow, k) == self) sum = __fadd_rn(sum, d);
        } else {
          const float count = float((g.rowEnd(oh) - g.rowBegin(oh)) * (g.colEnd(ow) - g.colBegin(ow)));
          sum = __fadd_rn(sum, __fmul_rn(d, 1.f / count));
        }
      }
    }
    dx[e] = sum;
  }
}

}  // namespace

void launch_pool2d(cudaStream_t s, const float* x, float* y, const PoolGeometry& g, bool max) {
  pool2d_kernel<<<grid_for(g.outSize()), kThreads, 0, s>>>(x, y, g, max);
}

void launch_pool2d_grad(cudaStream_t s, const float* x, const float* dy, float* dx, const PoolGeometry& g, bool max) {
  pool2d_grad_kernel<<<grid_for(g.inSize()), kThreads, 0, s>>>(x, dy, dx, g, max);
}

}  // namespace cuda
}  // namespace myelin
