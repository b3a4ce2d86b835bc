// The geometry arguments of the convolution kernels (sizes = [N, H, W, C, OH, OW, F], window = [KH, KW, SH, SW,
// DH, DW, PT, PL]) as both flavours read and check them, and the buffer lengths they imply.
#pragma once

#include <string>

#include "args.h"

namespace myelin {

struct ConvGeometry {
  size_t n, h, w, c, oh, ow, f;             // batch, input rows / columns / channels, output rows / columns / channels
  size_t kh, kw, sh, sw, dh, dw;            // window rows / columns, strides, dilations (each >= 1)
  size_t pt, pl;                            // top and left padding
  size_t x_len, w_len, out_len;             // floats in x [N, H, W, C], w [KH, KW, C, F], out [N, OH, OW, F]
  size_t k() const { return kh * kw * c; }  // the inner dimension of the convolution as a GEMM
  // True when the convolution is a plain GEMM over x: a 1 x 1 window, stride 1 and no padding.
  bool pointwise() const {
    return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && oh == h && ow == w;
  }
};

// Reads the geometry from arguments `sizesArg` and `sizesArg + 1`; RangeError for wrong lengths, a zero window,
// stride or dilation, or sizes whose products overflow.
inline ConvGeometry conv_geometry(const Args& args, size_t sizesArg) {
  const Dims s = args.dims(sizesArg, "sizes", false), win = args.dims(sizesArg + 1, "window", false);
  if (s.rank != 7)
    args.rangeError("argument 'sizes' must hold [N, H, W, C, OH, OW, F], got rank " + std::to_string(s.rank));
  if (win.rank != 8) {
    args.rangeError("argument 'window' must hold [KH, KW, SH, SW, DH, DW, PT, PL], got rank " +
                    std::to_string(win.rank));
  }
  for (int i = 0; i < 6; ++i) {
    if (win.v[i] < 1) args.rangeError("argument 'window': the window, strides and dilations must be >= 1");
  }
  ConvGeometry g;
  size_t* sizes[] = {&g.n, &g.h, &g.w, &g.c, &g.oh, &g.ow, &g.f};
  for (int i = 0; i < 7; ++i) *sizes[i] = static_cast<size_t>(s.v[i]);
  size_t* window[] = {&g.kh, &g.kw, &g.sh, &g.sw, &g.dh, &g.dw, &g.pt, &g.pl};
  for (int i = 0; i < 8; ++i) *window[i] = static_cast<size_t>(win.v[i]);
  g.x_len = args.mul(args.mul(args.mul(g.n, g.h, "N * H"), g.w, "N * H * W"), g.c, "N * H * W * C");
  g.w_len = args.mul(args.mul(args.mul(g.kh, g.kw, "KH * KW"), g.c, "KH * KW * C"), g.f, "KH * KW * C * F");
  g.out_len = args.mul(args.mul(args.mul(g.n, g.oh, "N * OH"), g.ow, "N * OH * OW"), g.f, "N * OH * OW * F");
  // Every index the kernels form stays below these products times the window, far from overflow at these sizes.
  args.mul(args.mul(g.out_len, args.mul(g.kh, g.kw, "KH * KW"), "output * window"), g.c + 1, "output * window * C");
  return g;
}

}  // namespace myelin
