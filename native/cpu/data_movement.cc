// Data movement: strided copy (transpose, slice, concat, pad, broadcast expansion) and row gather /
// scatter-add for embeddings. Every index is range-checked before anything is written.
#include <algorithm>
#include <string>

#include "../common/args.h"
#include "kernel.h"
#include "strided_space.h"

namespace myelin {

namespace {

// The copy itself, over a coalesced space of rank r (inner dimension last).
void copy_strided(const float* xp, float* op, const int64_t* dim, const int64_t* sx, const int64_t* so, int r,
                  bool acc) {
  const int64_t inner = dim[r - 1], ix = sx[r - 1], io = so[r - 1];
  int64_t idx[kMaxRank] = {};
  for (;;) {
    if (acc) {
      for (int64_t i = 0; i < inner; ++i) op[i * io] += xp[i * ix];
    } else if (ix == 1 && io == 1) {
      for (int64_t i = 0; i < inner; ++i) op[i] = xp[i];
    } else {
      for (int64_t i = 0; i < inner; ++i) op[i * io] = xp[i * ix];
    }
    int d = r - 2;  // odometer over the outer dims
    for (; d >= 0; --d) {
      xp += sx[d], op += so[d];
      if (++idx[d] < dim[d]) break;
      xp -= sx[d] * dim[d], op -= so[d] * dim[d], idx[d] = 0;
    }
    if (d < 0) break;
  }
}

}  // namespace

// copyStrided(x, xOffset, xStrides, out, outOffset, outStrides, shape, accumulate):
//   out[outOffset + idx . outStrides] (+)= x[xOffset + idx . xStrides] for every idx over shape
Kernel PrepareCopyStrided(const Args& args) {
  const F32 x = args.f32(0, "x"), out = args.f32(3, "out");
  const StridedCopy c = strided_copy_args(args);
  const int64_t xOff = c.xOffset, oOff = c.outOffset;
  const Dims &xs = c.xStrides, &os = c.outStrides, &shape = c.shape;
  const bool acc = c.accumulate;
  for (int d = 0; d < shape.rank; ++d)
    if (shape.v[d] == 0) return Kernel();
  args.needSpan("x", xOff, xs, shape, x.len);
  args.needSpan("out", oOff, os, shape, out.len);
  StridedSpace sp = coalesce(shape, xs, os);
  if (sp.rank == 0) sp.dim[0] = 1, sp.a[0] = sp.b[0] = 0, sp.rank = 1;
  return [=] { copy_strided(x.data + xOff, out.data + oOff, sp.dim, sp.a, sp.b, sp.rank, acc); };
}

// gatherRows(x, indices, out, rowSize): out[i, :] = x[indices[i], :]
Kernel PrepareGatherRows(const Args& args) {
  const F32 x = args.f32(0, "x"), out = args.f32(2, "out");
  const I32 idx = args.i32(1, "indices");
  const size_t rowSize = args.size(3, "rowSize");
  args.need(out, args.mul(idx.len, rowSize, "indices.length * rowSize"), "out");
  if (rowSize == 0) return Kernel();
  args.needIndices(idx, x.len / rowSize, "x");
  return [=] {
    for (size_t i = 0; i < idx.len; ++i) {
      const float* src = x.data + static_cast<size_t>(idx.data[i]) * rowSize;
      std::copy(src, src + rowSize, out.data + i * rowSize);
    }
  };
}

// scatterAddRows(dy, indices, dx, rowSize): dx[indices[i], :] += dy[i, :]
Kernel PrepareScatterAddRows(const Args& args) {
  const F32 dy = args.f32(0, "dy"), dx = args.f32(2, "dx");
  const I32 idx = args.i32(1, "indices");
  const size_t rowSize = args.size(3, "rowSize");
  args.need(dy, args.mul(idx.len, rowSize, "indices.length * rowSize"), "dy");
  if (rowSize == 0) return Kernel();
  args.needIndices(idx, dx.len / rowSize, "dx");
  return [=] {
    for (size_t i = 0; i < idx.len; ++i) {
      float* dst = dx.data + static_cast<size_t>(idx.data[i]) * rowSize;
      const float* src = dy.data + i * rowSize;
      for (size_t j = 0; j < rowSize; ++j) dst[j] += src[j];
    }
  };
}

}  // namespace myelin
