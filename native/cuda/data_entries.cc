// Entry points of the data-movement kernels (data_movement.cu). Every index is range-checked on the host
// before anything is enqueued; gather/scatter indices travel to the device through the staging ring.
#include <string>

#include "../common/exports.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

DeviceIndices::DeviceIndices(Napi::Env env, const I32& idx) : bytes(idx.len * sizeof(int32_t)) {
  ptr = static_cast<int32_t*>(device_alloc(env, bytes));
  try {
    upload_async(env, ptr, idx.data, bytes);
  } catch (...) {
    device_free(ptr, bytes);
    throw;
  }
}

DeviceIndices::~DeviceIndices() { device_free(ptr, bytes); }  // stream-ordered: the kernels read them before any reuse

// copyStrided(x, xOffset, xStrides, out, outOffset, outStrides, shape, accumulate)
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  Args args(info, "copyStrided", 8);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *out = buffer_arg(args, info, 3, "out");
  const StridedCopy c = strided_copy_args(args);
  const int64_t xOff = c.xOffset, oOff = c.outOffset;
  const Dims &xs = c.xStrides, &os = c.outStrides, &shape = c.shape;
  const bool acc = c.accumulate;
  size_t total = 1;
  for (int d = 0; d < shape.rank; ++d) {
    if (shape.v[d] == 0) return info.Env().Undefined();
    total = args.mul(total, static_cast<size_t>(shape.v[d]), "the product of shape");
  }
  args.needSpan("x", xOff, xs, shape, x->len);
  args.needSpan("out", oOff, os, shape, out->len);
  require_ready(info.Env(), "copyStrided");
  launch_copy_strided(stream(), x->ptr + xOff, out->ptr + oOff, to_space(coalesce(shape, xs, os)), total, acc);
  check_launch(info.Env(), "copyStrided");
  return info.Env().Undefined();
}

// gatherRows(x, indices, out, rowSize): out[i, :] = x[indices[i], :]
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  Args args(info, "gatherRows", 4);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *out = buffer_arg(args, info, 2, "out");
  const I32 idx = args.i32(1, "indices");
  const size_t rowSize = args.size(3, "rowSize");
  need(args, out, args.mul(idx.len, rowSize, "indices.length * rowSize"), "out");
  if (rowSize == 0 || idx.len == 0) return info.Env().Undefined();
  args.needIndices(idx, x->len / rowSize, "x");
  require_ready(info.Env(), "gatherRows");
  DeviceIndices d(info.Env(), idx);
  launch_gather_rows(stream(), x->ptr, d.ptr, out->ptr, idx.len, rowSize);
  check_launch(info.Env(), "gatherRows");
  return info.Env().Undefined();
}

// scatterAddRows(dy, indices, dx, rowSize): dx[indices[i], :] += dy[i, :]
Napi::Value ScatterAddRows(const Napi::CallbackInfo& info) {
  Args args(info, "scatterAddRows", 4);
  DeviceBuffer *dy = buffer_arg(args, info, 0, "dy"), *dx = buffer_arg(args, info, 2, "dx");
  const I32 idx = args.i32(1, "indices");
  const size_t rowSize = args.size(3, "rowSize");
  need(args, dy, args.mul(idx.len, rowSize, "indices.length * rowSize"), "dy");
  if (rowSize == 0 || idx.len == 0) return info.Env().Undefined();
  args.needIndices(idx, dx->len / rowSize, "dx");
  require_ready(info.Env(), "scatterAddRows");
  DeviceIndices d(info.Env(), idx);
  launch_scatter_add_rows(stream(), dy->ptr, d.ptr, dx->ptr, idx.len, rowSize);
  check_launch(info.Env(), "scatterAddRows");
  return info.Env().Undefined();
}

}  // namespace myelin
