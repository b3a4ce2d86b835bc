// The geometry of the pooling kernels (pool2d, pool2dGrad; lib/backend/kernel-table.ts), plain C++ that the cpu
// flavour (g++) and the cuda kernels (nvcc) share: x is [n, h, w, c] channels last, y is [n, outH, outW, c], and
// output (oh, ow) pools the rows [oh strideH - padTop, + poolH) and columns [ow strideW - padLeft, + poolW) of x,
// clipped to the image (pool_args.h checks that every window holds at least one element).
#pragma once

#include <cstddef>

#include "hd.h"

namespace myelin {

struct PoolGeometry {
  size_t n, h, w, c;
  size_t outH, outW;
  size_t poolH, poolW, strideH, strideW, padTop, padLeft;
  MYELIN_HD size_t inSize() const { return n * h * w * c; }
  MYELIN_HD size_t outSize() const { return n * outH * outW * c; }
  // Window oh covers rows [rowBegin(oh), rowEnd(oh)) of x; window ow columns [colBegin(ow), colEnd(ow)).
  MYELIN_HD size_t rowBegin(size_t oh) const { return oh * strideH >= padTop ? oh * strideH - padTop : 0; }
  MYELIN_HD size_t rowEnd(size_t oh) const {
    const size_t e = oh * strideH + poolH - padTop;
    return e < h ? e : h;
  }
  MYELIN_HD size_t colBegin(size_t ow) const { return ow * strideW >= padLeft ? ow * strideW - padLeft : 0; }
  MYELIN_HD size_t colEnd(size_t ow) const {
    const size_t e = ow * strideW + poolW - padLeft;
    return e < w ? e : w;
  }
};

}  // namespace myelin
