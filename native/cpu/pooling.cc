// 2-D max and average pooling, channels last (1-D pooling is the same with h = 1). Windows are clipped to the image;
// an average divides by the elements inside it (Keras's 'same', PyTorch's count_include_pad=False). The max takes
// the first largest element of its window in row-major order, NaN winning; its gradient goes to that element.
//
// Forward: rows (image, output row) split over the threads, each window a loop over its elements with the channels
// innermost (vectorized). Backward of the max: images split over the threads; each scatters its windows' gradients
// into its own part of dx, so overlapping windows never race. Backward of the average: rows of dx split over the
// threads, each element gathering from the windows that cover it (written once, no clearing pass).
#include <algorithm>
#include <vector>

#include "../common/pool_args.h"
#include "../common/thread_pool.h"
#include "cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

// y[0 .. c) = max or mean of the window (oh, ow) of image `xi` (h * w * c floats).
MYELIN_CLONES void pool_window(const PoolGeometry& g, const float* xi, size_t oh, size_t ow, bool max, float* y) {
  const size_t r0 = g.rowBegin(oh), r1 = g.rowEnd(oh), c0 = g.colBegin(ow), c1 = g.colEnd(ow), c = g.c;
  const float* first = xi + (r0 * g.w + c0) * c;
  std::copy(first, first + c, y);
  for (size_t r = r0; r < r1; ++r) {
    for (size_t q = (r == r0 ? c0 + 1 : c0); q < c1; ++q) {
      const float* v = xi + (r * g.w + q) * c;
      if (max) {
        for (size_t k = 0; k < c; ++k) y[k] = (v[k] > y[k] || (v[k] != v[k] && y[k] == y[k])) ? v[k] : y[k];
      } else {
        for (size_t k = 0; k < c; ++k) y[k] += v[k];
      }
    }
  }
  if (!max) {
    const float inv = 1.f / float((r1 - r0) * (c1 - c0));
    for (size_t k = 0; k < c; ++k) y[k] *= inv;
  }
}

// Adds the gradient dy[0 .. c) of window (oh, ow) into image `dxi` of dx at the window's first maximum per channel
// (`best` and `arg` hold c values of scratch).
MYELIN_CLONES void max_window_grad(const PoolGeometry& g, const float* xi, const float* dy, size_t oh, size_t ow,
                                   float* dxi, float* best, size_t* arg) {
  const size_t r0 = g.rowBegin(oh), r1 = g.rowEnd(oh), c0 = g.colBegin(ow), c1 = g.colEnd(ow), c = g.c;
  const size_t o0 = (r0 * g.w + c0) * c;
  std::copy(xi + o0, xi + o0 + c, best);
  std::fill(arg, arg + c, o0);
  for (size_t r = r0; r < r1; ++r) {
    for (size_t q = (r == r0 ? c0 + 1 : c0); q < c1; ++q) {
      const size_t o = (r * g.w + q) * c;
      const float* v = xi + o;
      for (size_t k = 0; k < c; ++k) {
        const bool take = v[k] > best[k] || (v[k] != v[k] && best[k] == best[k]);
        best[k] = take ? v[k] : best[k];
        arg[k] = take ? o : arg[k];
      }
    }
  }
  for (size_t k = 0; k < c; ++k) dxi[arg[k] + k] += dy[k];
}

// The outputs [*lo, *hi) along one axis whose windows cover input index r.
void covering(size_t r, size_t pad, size_t pool, size_t stride, size_t out, size_t* lo, size_t* hi) {
  const size_t top = r + pad;  // window o covers r when o stride <= top < o stride + pool
  *lo = top + 1 > pool ? (top + 1 - pool + stride - 1) / stride : 0;
  *hi = std::min(out, top / stride + 1);
}

// Row r of image i of the average's dx, each element written once: the sum over the windows covering it of
// dy[window] / count(window) (the same products the scatter form adds). Windows that do not overlap (strides at
// least the pool) cover an element once at most: each window's share is computed once and copied to its columns.
MYELIN_CLONES void avg_row_grad(const PoolGeometry& g, const float* dyi, size_t r, float* dxr, float* share) {
  const size_t c = g.c;
  size_t oh0, oh1;
  covering(r, g.padTop, g.poolH, g.strideH, g.outH, &oh0, &oh1);
  if (g.strideH >= g.poolH && g.strideW >= g.poolW) {
    std::fill(dxr, dxr + g.w * c, 0.f);
    if (oh0 >= oh1) return;
    const size_t rows = g.rowEnd(oh0) - g.rowBegin(oh0);
    for (size_t ow = 0; ow < g.outW; ++ow) {
      const size_t q0 = g.colBegin(ow), q1 = g.colEnd(ow);
      const float inv = 1.f / float(rows * (q1 - q0));
      const float* src = dyi + (oh0 * g.outW + ow) * c;
      for (size_t k = 0; k < c; ++k) share[k] = 0.f + src[k] * inv;
      for (size_t q = q0; q < q1; ++q) std::copy(share, share + c, dxr + q * c);
    }
    return;
  }
  for (size_t q = 0; q < g.w; ++q) {
    size_t ow0, ow1;
    covering(q, g.padLeft, g.poolW, g.strideW, g.outW, &ow0, &ow1);
    float* d = dxr + q * c;
    std::fill(d, d + c, 0.f);
    for (size_t oh = oh0; oh < oh1; ++oh) {
      for (size_t ow = ow0; ow < ow1; ++ow) {
        const float inv = 1.f / float((g.rowEnd(oh) - g.rowBegin(oh)) * (g.colEnd(ow) - g.colBegin(ow)));
        const float* src = dyi + (oh * g.outW + ow) * c;
        for (size_t k = 0; k < c; ++k) d[k] += src[k] * inv;
      }
    }
  }
}

}  // namespace

// pool2d(x, y, xShape, window, max)
Kernel PreparePool2d(const Args& args) {
  const F32 x = args.f32(0, "x"), y = args.f32(1, "y");
  const PoolGeometry g = pool_geometry(args, 2);
  const bool max = args.flag(4, "max");
  args.need(x, g.inSize(), "x");
  args.need(y, g.outSize(), "y");
  if (g.n == 0 || g.c == 0) return Kernel();
  const size_t rowWork = g.outW * g.poolH * g.poolW * g.c;
  return [=] {
    parallel_for(g.n * g.outH, std::max<size_t>(1, kParallelMin / 4 / rowWork), [&](size_t b, size_t e) {
      for (size_t row = b; row < e; ++row) {
        const size_t i = row / g.outH, oh = row % g.outH;
        const float* xi = x.data + i * g.h * g.w * g.c;
        for (size_t ow = 0; ow < g.outW; ++ow) pool_window(g, xi, oh, ow, max, y.data + ((row * g.outW) + ow) * g.c);
      }
    });
  };
}

// pool2dGrad(x, dy, dx, xShape, window, max); x may be null when max is false
Kernel PreparePool2dGrad(const Args& args) {
  const F32 x = args.f32OrNull(0, "x"), dy = args.f32(1, "dy"), dx = args.f32(2, "dx");
  const PoolGeometry g = pool_geometry(args, 3);
  const bool max = args.flag(5, "max");
  if (max && x.data == nullptr) args.typeError("x", "a Float32Array when max is true");
  if (x.data != nullptr) args.need(x, g.inSize(), "x");
  args.need(dy, g.outSize(), "dy");
  args.need(dx, g.inSize(), "dx");
  if (g.n == 0 || g.c == 0) return Kernel();
  const size_t image = g.h * g.w * g.c, outImage = g.outH * g.outW * g.c;
  if (!max) {
    // Gather: rows of dx split over the threads, every element written once.
    return [=] {
      const size_t rowWork = g.w * g.c * (g.poolH / g.strideH + 1) * (g.poolW / g.strideW + 1);
      parallel_for(g.n * g.h, std::max<size_t>(1, kParallelMin / 4 / rowWork), [&](size_t b, size_t e) {
        std::vector<float> share(g.c);
        for (size_t row = b; row < e; ++row) {
          const size_t i = row / g.h, r = row % g.h;
          avg_row_grad(g, dy.data + i * outImage, r, dx.data + i * image + r * g.w * g.c, share.data());
        }
      });
    };
  }
  const size_t imageWork = g.outH * g.outW * g.poolH * g.poolW * g.c;
  return [=] {
    parallel_for(g.n, std::max<size_t>(1, kParallelMin / 4 / imageWork), [&](size_t b, size_t e) {
      std::vector<float> best(g.c);
      std::vector<size_t> arg(g.c);
      for (size_t i = b; i < e; ++i) {
        float* dxi = dx.data + i * image;
        std::fill(dxi, dxi + image, 0.f);
        const float* xi = x.data + i * image;
        for (size_t oh = 0; oh < g.outH; ++oh) {
          for (size_t ow = 0; ow < g.outW; ++ow) {
            const float* d = dy.data + (i * outImage + (oh * g.outW + ow) * g.c);
            max_window_grad(g, xi, d, oh, ow, dxi, best.data(), arg.data());
          }
        }
      }
    });
  };
}

}  // namespace myelin
