// The geometry arguments of pool2d(x, y, xShape, window, max) and pool2dGrad(x, dy, dx, xShape, window, max) as both
// flavours read and check them (pool_geometry.h says what they mean).
#pragma once

#include <algorithm>
#include <string>

#include "args.h"
#include "pool_geometry.h"

namespace myelin {

// Reads xShape (argument `shapeArg`: [n, h, w, c]) and window (the next one: [poolH, poolW, strideH, strideW, padTop,
// padLeft, outH, outW]); RangeError unless every window holds at least one element of x and the sizes fit.
inline PoolGeometry pool_geometry(const Args& args, size_t shapeArg) {
  const Dims s = args.dims(shapeArg, "xShape", false), win = args.dims(shapeArg + 1, "window", false);
  if (s.rank != 4) args.rangeError("argument 'xShape' must be [n, h, w, c], got " + std::to_string(s.rank) + " values");
  if (win.rank != 8) {
    args.rangeError("argument 'window' must be [poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW], got " +
                    std::to_string(win.rank) + " values");
  }
  PoolGeometry g;
  g.n = size_t(s.v[0]), g.h = size_t(s.v[1]), g.w = size_t(s.v[2]), g.c = size_t(s.v[3]);
  g.poolH = size_t(win.v[0]), g.poolW = size_t(win.v[1]), g.strideH = size_t(win.v[2]), g.strideW = size_t(win.v[3]);
  g.padTop = size_t(win.v[4]), g.padLeft = size_t(win.v[5]), g.outH = size_t(win.v[6]), g.outW = size_t(win.v[7]);
  if (g.h == 0 || g.w == 0 || g.outH == 0 || g.outW == 0 || g.poolH == 0 || g.poolW == 0 || g.strideH == 0 ||
      g.strideW == 0) {
    args.rangeError("h, w, outH, outW, pool sizes and strides must be >= 1");
  }
  if (g.padTop >= g.poolH || g.padLeft >= g.poolW) args.rangeError("padTop and padLeft must be smaller than the pool");
  // The last window must start inside x.
  if (args.mul(g.outH - 1, g.strideH, "outH * strideH") >= args.add(g.h, g.padTop, "h + padTop") ||
      args.mul(g.outW - 1, g.strideW, "outW * strideW") >= args.add(g.w, g.padLeft, "w + padLeft")) {
    args.rangeError("the last window (outH, outW) starts outside x");
  }
  args.mul(args.mul(args.mul(g.n, std::max(g.h, g.outH), "n * h"), std::max(g.w, g.outW), "n * h * w"), g.c,
           "n * h * w * c");
  return g;
}

}  // namespace myelin
