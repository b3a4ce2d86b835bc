// 2-D max and average pooling, channels last (1-D pooling is the same with h = 1). Windows are clipped to the image;
// an average divides by the elements inside it (Keras's 'same', PyTorch's count_include_pad=False). The max takes
// the first largest element of its window in row-major order, NaN winning; its gradient goes to that element.
//
// Forward: rows (image, output row) split over the threads, each window a loop over its elements with the channels
// innermost (vectorized). Backward: images split over the threads; each scatters its windows' gradients into its own
// part of dx, so overlapping windows never race.
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

// Adds the gradient dy[0 .. c) of window (oh, ow) into image `dxi` of dx: to each element's share (average) or to
// the window's first maximum per channel (max; `arg` holds c offsets of scratch).
MYELIN_CLONES void pool_window_grad(const PoolGeometry& g, const float* xi, const float* dy, size_t oh, size_t ow,
                                    bool max, float* dxi, float* best, size_t* arg) {
  const size_t r0 = g.rowBegin(oh), r1 = g.rowEnd(oh), c0 = g.colBegin(ow), c1 = g.colEnd(ow), c = g.c;
  if (!max) {
    const float inv = 1.f / float((r1 - r0) * (c1 - c0));
    for (size_t r = r0; r < r1; ++r) {
      for (size_t q = c0; q < c1; ++q) {
        float* d = dxi + (r * g.w + q) * c;
        for (size_t k = 0; k < c; ++k) d[k] += dy[k] * inv;
      }
    }
    return;
  }
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
  const size_t image = g.h * g.w * g.c, imageWork = g.outH * g.outW * g.poolH * g.poolW * g.c;
  return [=] {
    parallel_for(g.n, std::max<size_t>(1, kParallelMin / 4 / imageWork), [&](size_t b, size_t e) {
      std::vector<float> best(max ? g.c : 0);
      std::vector<size_t> arg(max ? g.c : 0);
      for (size_t i = b; i < e; ++i) {
        float* dxi = dx.data + i * image;
        std::fill(dxi, dxi + image, 0.f);
        const float* xi = max ? x.data + i * image : nullptr;
        for (size_t oh = 0; oh < g.outH; ++oh) {
          for (size_t ow = 0; ow < g.outW; ++ow) {
            const float* d = dy.data + ((i * g.outH + oh) * g.outW + ow) * g.c;
            pool_window_grad(g, xi, d, oh, ow, max, dxi, best.data(), arg.data());
          }
        }
      }
    });
  };
}

}  // namespace myelin
