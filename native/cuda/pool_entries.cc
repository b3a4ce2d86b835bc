// Entry points of the pooling kernels (pooling.cu): argument checks, then one launch on the stream.
#include "../common/exports.h"
#include "../common/pool_args.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

// pool2d(x, y, xShape, window, max)
Napi::Value Pool2d(const Napi::CallbackInfo& info) {
  Args args(info, "pool2d", 5);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *y = buffer_arg(args, info, 1, "y");
  const PoolGeometry g = pool_geometry(args, 2);
  const bool max = args.flag(4, "max");
  need(args, x, g.inSize(), "x");
  need(args, y, g.outSize(), "y");
  if (g.n == 0 || g.c == 0) return info.Env().Undefined();
  require_ready(info.Env(), "pool2d");
  launch_pool2d(stream(), x->ptr, y->ptr, g, max);
  check_launch(info.Env(), "pool2d");
  return info.Env().Undefined();
}

// pool2dGrad(x, dy, dx, xShape, window, max); x may be null when max is false
Napi::Value Pool2dGrad(const Napi::CallbackInfo& info) {
  Args args(info, "pool2dGrad", 6);
  DeviceBuffer* x = buffer_or_null_arg(args, info, 0, "x");
  DeviceBuffer *dy = buffer_arg(args, info, 1, "dy"), *dx = buffer_arg(args, info, 2, "dx");
  const PoolGeometry g = pool_geometry(args, 3);
  const bool max = args.flag(5, "max");
  if (max || x != nullptr) {
    if (x == nullptr) args.typeError("x", "a buffer when max is true");
    need(args, x, g.inSize(), "x");
  }
  need(args, dy, g.outSize(), "dy");
  need(args, dx, g.inSize(), "dx");
  if (g.n == 0 || g.c == 0) return info.Env().Undefined();
  require_ready(info.Env(), "pool2dGrad");
  launch_pool2d_grad(stream(), x != nullptr ? x->ptr : nullptr, dy->ptr, dx->ptr, g, max);
  check_launch(info.Env(), "pool2dGrad");
  return info.Env().Undefined();
}

}  // namespace myelin
