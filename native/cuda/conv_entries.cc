// Entry points of the convolution kernels (conv.cu): argument checks, then one launch on the stream.
#include "../common/conv_args.h"
#include "../common/exports.h"
#include "../common/kernel_ids.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

namespace {
ConvShape shape_of(const ConvGeometry& g) {
  return {g.n, g.h, g.w, g.c, g.oh, g.ow, g.f, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl};
}
}  // namespace

// conv2dForward(x, w, bias, z, out, sizes, window, activation, param)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dForward", 9);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *w = buffer_arg(args, info, 1, "w");
  DeviceBuffer* bias = buffer_or_null_arg(args, info, 2, "bias");
  DeviceBuffer *z = buffer_arg(args, info, 3, "z"), *out = buffer_arg(args, info, 4, "out");
  const ConvGeometry g = conv_geometry(args, 5);
  const int act = args.op(7, "activation", kUnaryOpCount);
  const float param = static_cast<float>(args.num(8, "param"));
  need(args, x, g.x_len, "x");
  need(args, w, g.w_len, "w");
  if (bias != nullptr) need(args, bias, g.f, "bias");
  need(args, z, g.out_len, "z");
  need(args, out, g.out_len, "out");
  require_ready(info.Env(), "conv2dForward");
  launch_conv2d_forward(stream(), x->ptr, w->ptr, bias ? bias->ptr : nullptr, z->ptr, out->ptr, shape_of(g), act,
                        param);
  check_launch(info.Env(), "conv2dForward");
  return info.Env().Undefined();
}

// conv2dInputGrad(dz, w, dx, sizes, window)
Napi::Value Conv2dInputGrad(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dInputGrad", 5);
  DeviceBuffer *dz = buffer_arg(args, info, 0, "dz"), *w = buffer_arg(args, info, 1, "w"),
               *dx = buffer_arg(args, info, 2, "dx");
  const ConvGeometry g = conv_geometry(args, 3);
  need(args, dz, g.out_len, "dz");
  need(args, w, g.w_len, "w");
  need(args, dx, g.x_len, "dx");
  require_ready(info.Env(), "conv2dInputGrad");
  launch_conv2d_input_grad(stream(), dz->ptr, w->ptr, dx->ptr, shape_of(g));
  check_launch(info.Env(), "conv2dInputGrad");
  return info.Env().Undefined();
}

// conv2dFilterGrad(x, dz, dw, sizes, window)
Napi::Value Conv2dFilterGrad(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dFilterGrad", 5);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *dz = buffer_arg(args, info, 1, "dz"),
               *dw = buffer_arg(args, info, 2, "dw");
  const ConvGeometry g = conv_geometry(args, 3);
  need(args, x, g.x_len, "x");
  need(args, dz, g.out_len, "dz");
  need(args, dw, g.w_len, "dw");
  require_ready(info.Env(), "conv2dFilterGrad");
  launch_conv2d_filter_grad(stream(), x->ptr, dz->ptr, dw->ptr, shape_of(g));
  check_launch(info.Env(), "conv2dFilterGrad");
  return info.Env().Undefined();
}

}  // namespace myelin
