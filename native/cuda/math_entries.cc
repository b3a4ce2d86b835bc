// Entry points of the elementwise, rounding, reduction, softmax, cross-entropy, dropout and noise kernels: argument
// checks, then one launch on the stream. Kernels are in elementwise.cu, cast.cu, reduce.cu, softmax.cu,
// sigmoid_xent.cu, dropout.cu and noise.cu.
#include <cmath>

#include "../common/dropout_args.h"
#include "../common/exports.h"
#include "../common/kernel_ids.h"
#include "../common/noise_args.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

// unary(op, x, out, n, param)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args args(info, "unary", 5);
  const int op = args.op(0, "op", kUnaryOpCount);
  DeviceBuffer *x = buffer_arg(args, info, 1, "x"), *out = buffer_arg(args, info, 2, "out");
  const size_t n = args.size(3, "n");
  const float p = static_cast<float>(args.num(4, "param"));
  need(args, x, n, "x");
  need(args, out, n, "out");
  require_ready(info.Env(), "unary");
  launch_unary(stream(), op, x->ptr, out->ptr, n, p);
  check_launch(info.Env(), "unary");
  return info.Env().Undefined();
}

// unaryGrad(op, x, y, dy, dx, n, param): dx = dy * f'(x)
Napi::Value UnaryGrad(const Napi::CallbackInfo& info) {
  Args args(info, "unaryGrad", 7);
  const int op = args.op(0, "op", kUnaryOpCount);
  DeviceBuffer *x = buffer_arg(args, info, 1, "x"), *y = buffer_arg(args, info, 2, "y");
  DeviceBuffer *dy = buffer_arg(args, info, 3, "dy"), *dx = buffer_arg(args, info, 4, "dx");
  const size_t n = args.size(5, "n");
  const float p = static_cast<float>(args.num(6, "param"));
  need(args, x, n, "x");
  need(args, y, n, "y");
  need(args, dy, n, "dy");
  need(args, dx, n, "dx");
  require_ready(info.Env(), "unaryGrad");
  launch_unary_grad(stream(), op, x->ptr, y->ptr, dy->ptr, dx->ptr, n, p);
  check_launch(info.Env(), "unaryGrad");
  return info.Env().Undefined();
}

// binary(op, a, aStrides, b, bStrides, out, outShape)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args args(info, "binary", 7);
  const int op = args.op(0, "op", kBinaryOpCount);
  DeviceBuffer *a = buffer_arg(args, info, 1, "a"), *b = buffer_arg(args, info, 3, "b"),
               *out = buffer_arg(args, info, 5, "out");
  const Dims as = args.dims(2, "aStrides", false), bs = args.dims(4, "bStrides", false);
  const Dims shape = args.dims(6, "outShape", false);
  if (as.rank != shape.rank || bs.rank != shape.rank) {
    args.rangeError("aStrides, bStrides and outShape must have the same length, got " + std::to_string(as.rank) + ", " +
                    std::to_string(bs.rank) + " and " + std::to_string(shape.rank));
  }
  size_t total = 1;
  for (int d = 0; d < shape.rank; ++d) {
    total = args.mul(total, static_cast<size_t>(shape.v[d]), "the product of outShape");
    if (shape.v[d] == 0) return info.Env().Undefined();
  }
  need(args, out, total, "out");
  args.needSpan("a", 0, as, shape, a->len);
  args.needSpan("b", 0, bs, shape, b->len);
  require_ready(info.Env(), "binary");
  launch_binary(stream(), op, a->ptr, b->ptr, out->ptr, to_space(coalesce(shape, as, bs)), total);
  check_launch(info.Env(), "binary");
  return info.Env().Undefined();
}

// reduce(op, x, out, outer, mid, inner)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args args(info, "reduce", 6);
  const int op = args.op(0, "op", kReduceOpCount);
  DeviceBuffer *x = buffer_arg(args, info, 1, "x"), *out = buffer_arg(args, info, 2, "out");
  const size_t outer = args.size(3, "outer"), mid = args.size(4, "mid"), inner = args.size(5, "inner");
  const size_t outSize = args.mul(outer, inner, "outer * inner");
  need(args, x, args.mul(outSize, mid, "outer * mid * inner"), "x");
  need(args, out, outSize, "out");
  const bool summing = op == static_cast<int>(ReduceOp::sum) || op == static_cast<int>(ReduceOp::mean);
  if (mid == 0 && !summing) args.rangeError("argument 'mid' is 0; only 'sum' and 'mean' reduce an empty axis");
  require_ready(info.Env(), "reduce");
  if (mid == 0)
    launch_fill(stream(), out->ptr, outSize, op == static_cast<int>(ReduceOp::sum) ? 0.f : NAN);
  else
    launch_reduce(stream(), op, x->ptr, out->ptr, outer, mid, inner, kernel_scratch());
  check_launch(info.Env(), "reduce");
  return info.Env().Undefined();
}

// softmax(x, out, rows, cols, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args args(info, "softmax", 5);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *out = buffer_arg(args, info, 1, "out");
  const size_t rows = args.size(2, "rows"), cols = args.size(3, "cols");
  const bool log = args.flag(4, "log");
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, x, n, "x");
  need(args, out, n, "out");
  require_ready(info.Env(), "softmax");
  launch_softmax(stream(), x->ptr, out->ptr, rows, cols, log);
  check_launch(info.Env(), "softmax");
  return info.Env().Undefined();
}

// roundToHalf(x, out, n, float16): out = x rounded to bfloat16 (float16 when `float16`), as float32
Napi::Value RoundToHalf(const Napi::CallbackInfo& info) {
  Args args(info, "roundToHalf", 4);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *out = buffer_arg(args, info, 1, "out");
  const size_t n = args.size(2, "n");
  const bool float16 = args.flag(3, "float16");
  need(args, x, n, "x");
  need(args, out, n, "out");
  require_ready(info.Env(), "roundToHalf");
  launch_round_to_half(stream(), x->ptr, out->ptr, n, float16);
  check_launch(info.Env(), "roundToHalf");
  return info.Env().Undefined();
}

// softmaxGrad(y, dy, dx, rows, cols, log)
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  Args args(info, "softmaxGrad", 6);
  DeviceBuffer *y = buffer_arg(args, info, 0, "y"), *dy = buffer_arg(args, info, 1, "dy"),
               *dx = buffer_arg(args, info, 2, "dx");
  const size_t rows = args.size(3, "rows"), cols = args.size(4, "cols");
  const bool log = args.flag(5, "log");
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, y, n, "y");
  need(args, dy, n, "dy");
  need(args, dx, n, "dx");
  require_ready(info.Env(), "softmaxGrad");
  launch_softmax_grad(stream(), y->ptr, dy->ptr, dx->ptr, rows, cols, log);
  check_launch(info.Env(), "softmaxGrad");
  return info.Env().Undefined();
}

// softmaxCrossEntropy(logits, targets, probs, loss, rows, cols, sparse). Sparse targets live on the device,
// so they are not range-checked here: an invalid class gives a NaN loss for its row (no memory access).
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Args args(info, "softmaxCrossEntropy", 7);
  DeviceBuffer *x = buffer_arg(args, info, 0, "logits"), *t = buffer_arg(args, info, 1, "targets");
  DeviceBuffer *probs = buffer_arg(args, info, 2, "probs"), *loss = buffer_arg(args, info, 3, "loss");
  const size_t rows = args.size(4, "rows"), cols = args.size(5, "cols");
  const bool sparse = args.flag(6, "sparse");
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, x, n, "logits");
  need(args, t, sparse ? rows : n, "targets");
  need(args, probs, n, "probs");
  need(args, loss, rows, "loss");
  if (cols == 0) args.rangeError("argument 'cols' must be at least 1");
  require_ready(info.Env(), "softmaxCrossEntropy");
  launch_softmax_xent(stream(), x->ptr, t->ptr, probs->ptr, loss->ptr, rows, cols, sparse);
  check_launch(info.Env(), "softmaxCrossEntropy");
  return info.Env().Undefined();
}

// softmaxCrossEntropyGrad(probs, targets, dLoss, dLogits, rows, cols, sparse, dLossStride, dLossScale)
Napi::Value SoftmaxCrossEntropyGrad(const Napi::CallbackInfo& info) {
  Args args(info, "softmaxCrossEntropyGrad", 9);
  DeviceBuffer *p = buffer_arg(args, info, 0, "probs"), *t = buffer_arg(args, info, 1, "targets");
  DeviceBuffer *dl = buffer_arg(args, info, 2, "dLoss"), *dx = buffer_arg(args, info, 3, "dLogits");
  const size_t rows = args.size(4, "rows"), cols = args.size(5, "cols");
  const bool sparse = args.flag(6, "sparse");
  const Upstream up = args.upstream(7);
  const size_t n = args.mul(rows, cols, "rows * cols");
  need(args, p, n, "probs");
  need(args, t, sparse ? rows : n, "targets");
  need(args, dl, up.length(rows), "dLoss");
  need(args, dx, n, "dLogits");
  require_ready(info.Env(), "softmaxCrossEntropyGrad");
  launch_softmax_xent_grad(stream(), p->ptr, t->ptr, dl->ptr, up.stride, up.scale, dx->ptr, rows, cols, sparse);
  check_launch(info.Env(), "softmaxCrossEntropyGrad");
  return info.Env().Undefined();
}

// sigmoidCrossEntropy(logits, targets, loss, n)
Napi::Value SigmoidCrossEntropy(const Napi::CallbackInfo& info) {
  Args args(info, "sigmoidCrossEntropy", 4);
  DeviceBuffer *x = buffer_arg(args, info, 0, "logits"), *t = buffer_arg(args, info, 1, "targets");
  DeviceBuffer* loss = buffer_arg(args, info, 2, "loss");
  const size_t n = args.size(3, "n");
  need(args, x, n, "logits");
  need(args, t, n, "targets");
  need(args, loss, n, "loss");
  require_ready(info.Env(), "sigmoidCrossEntropy");
  launch_sigmoid_xent(stream(), x->ptr, t->ptr, loss->ptr, n);
  check_launch(info.Env(), "sigmoidCrossEntropy");
  return info.Env().Undefined();
}

// sigmoidCrossEntropyGrad(logits, targets, dLoss, dLogits, n, dLossStride, dLossScale)
Napi::Value SigmoidCrossEntropyGrad(const Napi::CallbackInfo& info) {
  Args args(info, "sigmoidCrossEntropyGrad", 7);
  DeviceBuffer *x = buffer_arg(args, info, 0, "logits"), *t = buffer_arg(args, info, 1, "targets");
  DeviceBuffer *dl = buffer_arg(args, info, 2, "dLoss"), *dx = buffer_arg(args, info, 3, "dLogits");
  const size_t n = args.size(4, "n");
  const Upstream up = args.upstream(5);
  need(args, x, n, "logits");
  need(args, t, n, "targets");
  need(args, dl, up.length(n), "dLoss");
  need(args, dx, n, "dLogits");
  require_ready(info.Env(), "sigmoidCrossEntropyGrad");
  launch_sigmoid_xent_grad(stream(), x->ptr, t->ptr, dl->ptr, up.stride, up.scale, dx->ptr, n);
  check_launch(info.Env(), "sigmoidCrossEntropyGrad");
  return info.Env().Undefined();
}

// dropout(x, y, mask, state, n, rate, key0, key1): y = x * mask from Philox4x32-10 (native/common/philox.h); the
// counter in `state` advances by one on the device.
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Args args(info, "dropout", 8);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *y = buffer_arg(args, info, 1, "y");
  DeviceBuffer *mask = buffer_arg(args, info, 2, "mask"), *state = buffer_arg(args, info, 3, "state");
  const DropoutScalars s = dropout_scalars(args);
  need(args, x, s.n, "x");
  need(args, y, s.n, "y");
  need(args, mask, s.n, "mask");
  need(args, state, kDropoutStateSize, "state");
  require_ready(info.Env(), "dropout");
  launch_dropout(stream(), x->ptr, y->ptr, mask->ptr, state->ptr, s.n, s.k0, s.k1, s.threshold, s.scale);
  check_launch(info.Env(), "dropout");
  return info.Env().Undefined();
}

// gaussianNoise(x, y, state, n, stddev, key0, key1): y = x + stddev * z, z from Philox4x32-10 by Box-Muller
// (native/common/gaussian_noise.h); the counter in `state` advances by one on the device.
Napi::Value GaussianNoise(const Napi::CallbackInfo& info) {
  Args args(info, "gaussianNoise", 7);
  DeviceBuffer *x = buffer_arg(args, info, 0, "x"), *y = buffer_arg(args, info, 1, "y");
  DeviceBuffer* state = buffer_arg(args, info, 2, "state");
  const NoiseScalars s = noise_scalars(args);
  need(args, x, s.n, "x");
  need(args, y, s.n, "y");
  need(args, state, kDropoutStateSize, "state");
  require_ready(info.Env(), "gaussianNoise");
  launch_gaussian_noise(stream(), x->ptr, y->ptr, state->ptr, s.n, s.stddev, s.k0, s.k1);
  check_launch(info.Env(), "gaussianNoise");
  return info.Env().Undefined();
}

}  // namespace myelin
