// Convolutions (channels last) as GEMMs: the output rows [N * OH * OW] are taken in tiles whose im2col matrix
// [rows, KH * KW * C] stays within kColumnBudget floats (one per thread, reused); each tile is one GEMM with the
// kernel [KH * KW * C, F]. A 1 x 1 window with stride 1 and no padding needs no im2col: x is the matrix.
// Forward: z = col @ w (+ bias), out = act(z). Input gradient: dcol = dz @ w^T, scattered back (col2im).
// Kernel gradient: dw = sum over tiles of col^T @ dz.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../common/args.h"
#include "../common/conv_args.h"
#include "../common/kernel_ids.h"
#include "../common/thread_pool.h"
#include "cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

// The largest im2col tile in floats (1 MiB): big enough for GEMMs of a few hundred rows at K of a few hundred,
// small enough to stay in the cache between the copy and the GEMM.
constexpr size_t kColumnBudget = size_t{1} << 18;

// The rows of one tile: whole images when they fit (col2im can then split the tile by image), at least one row.
size_t tile_rows(const ConvGeometry& g) {
  const size_t k = std::max<size_t>(g.k(), 1), per_image = g.oh * g.ow;
  const size_t rows = std::max<size_t>(kColumnBudget / k, 1);
  if (per_image > 0 && rows >= per_image) return rows / per_image * per_image;
  return rows;
}

// A per-thread scratch of at least n floats, kept between calls.
float* scratch(size_t n) {
  thread_local std::vector<float> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// The input position of output row r (flattened over [N, OH, OW]) and window offset (a, b), or false outside.
struct RowPos {
  size_t n, i, j;
};
inline RowPos row_pos(const ConvGeometry& g, size_t r) {
  const size_t per_image = g.oh * g.ow, q = r % per_image;
  return {r / per_image, q / g.ow, q % g.ow};
}

// dst[(a, b, c)] = x[n, i SH + a DH - PT, j SW + b DW - PL, c] (0 outside the image): the im2col row of output r.
void im2col_row(const ConvGeometry& g, const float* x, size_t r, float* dst) {
  const RowPos p = row_pos(g, r);
  for (size_t a = 0; a < g.kh; ++a) {
    const long y = static_cast<long>(p.i * g.sh + a * g.dh) - static_cast<long>(g.pt);
    for (size_t b = 0; b < g.kw; ++b, dst += g.c) {
      const long xx = static_cast<long>(p.j * g.sw + b * g.dw) - static_cast<long>(g.pl);
      if (y < 0 || y >= static_cast<long>(g.h) || xx < 0 || xx >= static_cast<long>(g.w)) {
        std::memset(dst, 0, g.c * sizeof(float));
      } else {
        std::memcpy(dst, x + ((p.n * g.h + static_cast<size_t>(y)) * g.w + static_cast<size_t>(xx)) * g.c,
                    g.c * sizeof(float));
      }
    }
  }
}

// col[r - r0, :] = the im2col rows of outputs r in [r0, r1).
void im2col(const ConvGeometry& g, const float* x, float* col, size_t r0, size_t r1) {
  const size_t k = g.k();
  parallel_for(r1 - r0, std::max<size_t>(1, (size_t{1} << 16) / std::max<size_t>(k, 1)), [&](size_t b0, size_t b1) {
    for (size_t r = r0 + b0; r < r0 + b1; ++r) im2col_row(g, x, r, col + (r - r0) * k);
  });
}

// dx[n, y, x', c] += dcol[r - r0, (a, b, c)] for rows r in [r0, r1) (the adjoint of im2col). Rows of different
// images touch different parts of dx: the tile is split by image over the threads.
void col2im_add(const ConvGeometry& g, const float* dcol, float* dx, size_t r0, size_t r1) {
  const size_t k = g.k(), per_image = g.oh * g.ow;
  const auto rows = [&](size_t b0, size_t b1) {
    for (size_t r = b0; r < b1; ++r) {
      const RowPos p = row_pos(g, r);
      const float* src = dcol + (r - r0) * k;
      for (size_t a = 0; a < g.kh; ++a) {
        const long y = static_cast<long>(p.i * g.sh + a * g.dh) - static_cast<long>(g.pt);
        for (size_t b = 0; b < g.kw; ++b, src += g.c) {
          const long xx = static_cast<long>(p.j * g.sw + b * g.dw) - static_cast<long>(g.pl);
          if (y < 0 || y >= static_cast<long>(g.h) || xx < 0 || xx >= static_cast<long>(g.w)) continue;
          float* dst = dx + ((p.n * g.h + static_cast<size_t>(y)) * g.w + static_cast<size_t>(xx)) * g.c;
          for (size_t c = 0; c < g.c; ++c) dst[c] += src[c];
        }
      }
    }
  };
  const size_t first = r0 / per_image, last = (r1 + per_image - 1) / per_image;
  if (r0 % per_image != 0 || r1 % per_image != 0 || last - first < 2) return rows(r0, r1);
  parallel_for(last - first, 1,
               [&](size_t i0, size_t i1) { rows((first + i0) * per_image, (first + i1) * per_image); });
}

// z[rows, F] += bias; out = act(z) over the rows [r0, r1).
void bias_activation(const float* bias, float* z, float* out, size_t r0, size_t r1, size_t f, int act, float param) {
  const bool linear = act == static_cast<int>(UnaryOp::linear);
  parallel_for(r1 - r0, std::max<size_t>(1, kParallelMin / 4 / std::max<size_t>(f, 1)), [&](size_t b0, size_t b1) {
    for (size_t r = r0 + b0; r < r0 + b1; ++r) {
      float* zr = z + r * f;
      if (bias != nullptr) {
        for (size_t j = 0; j < f; ++j) zr[j] += bias[j];
      }
      if (!linear || zr != out + r * f) apply_unary(act, zr, out + r * f, f, param);
    }
  });
}

// ---- narrow windows (K = KH KW C <= kNarrowK, e.g. a first layer over one channel) ------------------------
// A GEMM with an inner dimension this short runs far below the BLAS's speed, and the kernel gradient's GEMM
// (K x F outputs summed over every row) does not split over threads: rank-K updates per row instead, the rows
// split over the threads (the kernel gradient from one partial sum per thread, added in thread order).
constexpr size_t kNarrowK = 32;

bool narrow(const ConvGeometry& g) { return g.k() <= kNarrowK; }

// y[0, n) += a x[0, n)
MYELIN_CLONES void axpy(float* y, const float* x, float a, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void narrow_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* z, float* out,
                    int act, float param) {
  const size_t k = g.k(), f = g.f, rows = g.n * g.oh * g.ow;
  parallel_for(rows, std::max<size_t>(1, (size_t{1} << 15) / std::max<size_t>(f * k, 1)), [&](size_t b0, size_t b1) {
    float col[kNarrowK];
    for (size_t r = b0; r < b1; ++r) {
      im2col_row(g, x, r, col);
      float* zr = z + r * f;
      if (bias != nullptr)
        std::memcpy(zr, bias, f * sizeof(float));
      else
        std::fill(zr, zr + f, 0.f);
      for (size_t j = 0; j < k; ++j) axpy(zr, w + j * f, col[j], f);
    }
    bias_activation(nullptr, z, out, b0, b1, f, act, param);  // nested in the pool: serial
  });
}

void narrow_filter_grad(const ConvGeometry& g, const float* x, const float* dz, float* dw) {
  const size_t k = g.k(), f = g.f, kf = k * f, rows = g.n * g.oh * g.ow;
  const size_t tasks = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(num_threads()), rows / 256));
  float* partial = scratch(tasks * kf);
  std::fill(partial, partial + tasks * kf, 0.f);
  const size_t per = (rows + tasks - 1) / tasks;
  run_tasks(static_cast<int>(tasks), [&](int t) {
    float col[kNarrowK];
    float* acc = partial + static_cast<size_t>(t) * kf;
    for (size_t r = static_cast<size_t>(t) * per; r < std::min(rows, (static_cast<size_t>(t) + 1) * per); ++r) {
      im2col_row(g, x, r, col);
      for (size_t j = 0; j < k; ++j) axpy(acc + j * f, dz + r * f, col[j], f);
    }
  });
  std::memcpy(dw, partial, kf * sizeof(float));
  for (size_t t = 1; t < tasks; ++t) axpy(dw, partial + t * kf, 1.f, kf);
}

}  // namespace

// conv2dForward(x, w, bias, z, out, sizes, window, activation, param)
Kernel PrepareConv2dForward(const Args& args) {
  const F32 x = args.f32(0, "x"), w = args.f32(1, "w"), bias = args.f32OrNull(2, "bias");
  const F32 z = args.f32(3, "z"), out = args.f32(4, "out");
  const ConvGeometry g = conv_geometry(args, 5);
  const int act = args.op(7, "activation", kUnaryOpCount);
  const float param = static_cast<float>(args.num(8, "param"));
  args.need(x, g.x_len, "x");
  args.need(w, g.w_len, "w");
  if (bias.data != nullptr) args.need(bias, g.f, "bias");
  args.need(z, g.out_len, "z");
  args.need(out, g.out_len, "out");
  if (g.out_len == 0) return Kernel();
  return [=] {
    const size_t rows = g.n * g.oh * g.ow, k = g.k();
    const float* b = bias.data;
    if (g.pointwise()) {
      sgemm(false, false, rows, g.f, k, 1.f, x.data, w.data, 0.f, z.data);
      return bias_activation(b, z.data, out.data, 0, rows, g.f, act, param);
    }
    if (narrow(g)) return narrow_forward(g, x.data, w.data, b, z.data, out.data, act, param);
    const size_t tile = tile_rows(g);
    float* col = scratch(tile * k);
    for (size_t r0 = 0; r0 < rows; r0 += tile) {
      const size_t r1 = std::min(rows, r0 + tile);
      im2col(g, x.data, col, r0, r1);
      sgemm(false, false, r1 - r0, g.f, k, 1.f, col, w.data, 0.f, z.data + r0 * g.f);
      bias_activation(b, z.data, out.data, r0, r1, g.f, act, param);
    }
  };
}

// conv2dInputGrad(dz, w, dx, sizes, window)
Kernel PrepareConv2dInputGrad(const Args& args) {
  const F32 dz = args.f32(0, "dz"), w = args.f32(1, "w"), dx = args.f32(2, "dx");
  const ConvGeometry g = conv_geometry(args, 3);
  args.need(dz, g.out_len, "dz");
  args.need(w, g.w_len, "w");
  args.need(dx, g.x_len, "dx");
  if (g.x_len == 0) return Kernel();
  return [=] {
    const size_t rows = g.n * g.oh * g.ow, k = g.k();
    if (g.pointwise()) return sgemm(false, true, rows, g.c, g.f, 1.f, dz.data, w.data, 0.f, dx.data);
    std::fill(dx.data, dx.data + g.x_len, 0.f);
    if (rows == 0 || g.f == 0) return;
    const size_t tile = tile_rows(g);
    float* dcol = scratch(tile * k);
    for (size_t r0 = 0; r0 < rows; r0 += tile) {
      const size_t r1 = std::min(rows, r0 + tile);
      sgemm(false, true, r1 - r0, k, g.f, 1.f, dz.data + r0 * g.f, w.data, 0.f, dcol);
      col2im_add(g, dcol, dx.data, r0, r1);
    }
  };
}

// conv2dFilterGrad(x, dz, dw, sizes, window)
Kernel PrepareConv2dFilterGrad(const Args& args) {
  const F32 x = args.f32(0, "x"), dz = args.f32(1, "dz"), dw = args.f32(2, "dw");
  const ConvGeometry g = conv_geometry(args, 3);
  args.need(x, g.x_len, "x");
  args.need(dz, g.out_len, "dz");
  args.need(dw, g.w_len, "dw");
  if (g.w_len == 0) return Kernel();
  return [=] {
    const size_t rows = g.n * g.oh * g.ow, k = g.k();
    if (g.pointwise()) return sgemm(true, false, k, g.f, rows, 1.f, x.data, dz.data, 0.f, dw.data);
    if (rows == 0) return std::fill(dw.data, dw.data + g.w_len, 0.f);
    if (narrow(g)) return narrow_filter_grad(g, x.data, dz.data, dw.data);
    const size_t tile = tile_rows(g);
    float* col = scratch(tile * k);
    for (size_t r0 = 0; r0 < rows; r0 += tile) {
      const size_t r1 = std::min(rows, r0 + tile);
      im2col(g, x.data, col, r0, r1);
      sgemm(true, false, k, g.f, r1 - r0, 1.f, col, dz.data + r0 * g.f, r0 == 0 ? 0.f : 1.f, dw.data);
    }
  };
}

}  // namespace myelin
