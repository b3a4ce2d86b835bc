// Entry points of the recurrent step kernels: argument checks (native/common/recurrent_args.h), the step's recurrent
// GEMM (cuBLAS or the tiled kernel, gemm.cc) and the per-element launch (recurrent.cu), in stream order.
#include "../common/exports.h"
#include "../common/recurrent_args.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

namespace {

// Checks the buffers every step shares (recurrentKernel [units, k units], mask, states of `slabs` slabs) and returns
// the launch parameters with the mask row of step t.
RecurrentStep common(const Args& args, const RecurrentArgs& r, DeviceBuffer* uk, DeviceBuffer* mask,
                     DeviceBuffer* states, size_t k, size_t slabs) {
  need(args, uk, args.mul(r.units, k * r.units, "units * k units"), "recurrentKernel");
  if (mask != nullptr) need(args, mask, r.maskNeed, "mask");
  need(args, states, args.mul(r.slots, slabs, "states"), "states");
  return RecurrentStep{r.batch, r.units, r.act, r.rec, mask == nullptr ? nullptr : mask->ptr + r.t * r.batch};
}

}  // namespace

// lstmStep(xw, recurrentKernel, mask, states, gates, t, steps, batch, units, activation, recurrentActivation)
Napi::Value LstmStep(const Napi::CallbackInfo& info) {
  Args args(info, "lstmStep", 11);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *mask = buffer_or_null_arg(args, info, 2, "mask"), *states = buffer_arg(args, info, 3, "states");
  DeviceBuffer* gates = buffer_arg(args, info, 4, "gates");
  const int act = args.op(9, "activation", kUnaryOpCount), rec = args.op(10, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 5, act, rec);
  const RecurrentStep p = common(args, r, uk, mask, states, 4, 2);
  const size_t g4 = args.mul(r.maskNeed, 4 * r.units, "steps * batch * 4 units");
  need(args, xw, g4, "xw");
  need(args, gates, g4, "gates");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "lstmStep");
  const size_t w = 4 * r.units;
  float* h = states->ptr + r.t * r.row;
  float* c = states->ptr + r.slots + r.t * r.row;
  float* g = gates->ptr + r.t * r.batch * w;
  gemm(info.Env(), false, false, r.batch, w, r.units, 1.f, h, uk->ptr, 0.f, g);
  launch_lstm_step(stream(), p, xw->ptr + r.t * r.batch * w, g, h, c, h + r.row, c + r.row);
  check_launch(info.Env(), "lstmStep");
  return info.Env().Undefined();
}

// lstmStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, t, steps, batch, units, activation,
// recurrentActivation)
Napi::Value LstmStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "lstmStepGrad", 13);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *gates = buffer_arg(args, info, 3, "gates");
  DeviceBuffer *dStates = buffer_arg(args, info, 4, "dStates"), *carry = buffer_arg(args, info, 5, "carry");
  DeviceBuffer* dxw = buffer_arg(args, info, 6, "dxw");
  const int act = args.op(11, "activation", kUnaryOpCount), rec = args.op(12, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 7, act, rec);
  const RecurrentStep p = common(args, r, uk, mask, states, 4, 2);
  need(args, dStates, 2 * r.slots, "dStates");
  need(args, carry, 2 * r.row, "carry");
  const size_t g4 = args.mul(r.maskNeed, 4 * r.units, "steps * batch * 4 units");
  need(args, gates, g4, "gates");
  need(args, dxw, g4, "dxw");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "lstmStepGrad");
  const size_t w = 4 * r.units, s1 = (r.t + 1) * r.row;
  const float* c = states->ptr + r.slots + r.t * r.row;
  float* dz = dxw->ptr + r.t * r.batch * w;
  launch_lstm_step_grad(stream(), p, gates->ptr + r.t * r.batch * w, c, c + r.row, dStates->ptr + s1,
                        dStates->ptr + r.slots + s1, carry->ptr, carry->ptr + r.row, dz);
  check_launch(info.Env(), "lstmStepGrad");
  gemm(info.Env(), false, true, r.batch, r.units, w, 1.f, dz, uk->ptr, 1.f, carry->ptr);
  return info.Env().Undefined();
}

// gruStep(xw, recurrentKernel, recurrentBias, mask, states, gates, t, steps, batch, units, activation,
// recurrentActivation)
Napi::Value GruStep(const Napi::CallbackInfo& info) {
  Args args(info, "gruStep", 12);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *bias = buffer_arg(args, info, 2, "recurrentBias"), *mask = buffer_or_null_arg(args, info, 3, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 4, "states"), *gates = buffer_arg(args, info, 5, "gates");
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, rec);
  const RecurrentStep p = common(args, r, uk, mask, states, 3, 1);
  const size_t g3 = args.mul(r.maskNeed, 3 * r.units, "steps * batch * 3 units");
  need(args, xw, g3, "xw");
  need(args, bias, 3 * r.units, "recurrentBias");
  need(args, gates, 2 * g3, "gates");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "gruStep");
  const size_t w = 3 * r.units;
  float* h = states->ptr + r.t * r.row;
  float* zrn = gates->ptr + r.t * r.batch * 2 * w;
  float* a = zrn + r.batch * w;
  gemm(info.Env(), false, false, r.batch, w, r.units, 1.f, h, uk->ptr, 0.f, a);
  launch_gru_step(stream(), p, xw->ptr + r.t * r.batch * w, bias->ptr, zrn, a, h, h + r.row);
  check_launch(info.Env(), "gruStep");
  return info.Env().Undefined();
}

// gruStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, dRecurrent, t, steps, batch, units,
// activation, recurrentActivation)
Napi::Value GruStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "gruStepGrad", 14);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *gates = buffer_arg(args, info, 3, "gates");
  DeviceBuffer *dStates = buffer_arg(args, info, 4, "dStates"), *carry = buffer_arg(args, info, 5, "carry");
  DeviceBuffer *dxw = buffer_arg(args, info, 6, "dxw"), *dRec = buffer_arg(args, info, 7, "dRecurrent");
  const int act = args.op(12, "activation", kUnaryOpCount), rec = args.op(13, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 8, act, rec);
  const RecurrentStep p = common(args, r, uk, mask, states, 3, 1);
  need(args, dStates, r.slots, "dStates");
  need(args, carry, r.row, "carry");
  const size_t g3 = args.mul(r.maskNeed, 3 * r.units, "steps * batch * 3 units");
  need(args, gates, 2 * g3, "gates");
  need(args, dxw, g3, "dxw");
  need(args, dRec, g3, "dRecurrent");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "gruStepGrad");
  const size_t w = 3 * r.units;
  const float* zrn = gates->ptr + r.t * r.batch * 2 * w;
  float* da = dRec->ptr + r.t * r.batch * w;
  launch_gru_step_grad(stream(), p, zrn, zrn + r.batch * w, states->ptr + r.t * r.row, dStates->ptr + (r.t + 1) * r.row,
                       carry->ptr, dxw->ptr + r.t * r.batch * w, da);
  check_launch(info.Env(), "gruStepGrad");
  gemm(info.Env(), false, true, r.batch, r.units, w, 1.f, da, uk->ptr, 1.f, carry->ptr);
  return info.Env().Undefined();
}

// rnnStep(xw, recurrentKernel, mask, states, t, steps, batch, units, activation)
Napi::Value RnnStep(const Napi::CallbackInfo& info) {
  Args args(info, "rnnStep", 9);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *mask = buffer_or_null_arg(args, info, 2, "mask"), *states = buffer_arg(args, info, 3, "states");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 4, act, act);
  const RecurrentStep p = common(args, r, uk, mask, states, 1, 1);
  need(args, xw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "xw");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "rnnStep");
  float* h = states->ptr + r.t * r.row;
  gemm(info.Env(), false, false, r.batch, r.units, r.units, 1.f, h, uk->ptr, 0.f, h + r.row);
  launch_rnn_step(stream(), p, xw->ptr + r.t * r.row, h, h + r.row);
  check_launch(info.Env(), "rnnStep");
  return info.Env().Undefined();
}

// rnnStepGrad(recurrentKernel, mask, states, dStates, carry, dxw, t, steps, batch, units, activation)
Napi::Value RnnStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "rnnStepGrad", 11);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *dStates = buffer_arg(args, info, 3, "dStates");
  DeviceBuffer *carry = buffer_arg(args, info, 4, "carry"), *dxw = buffer_arg(args, info, 5, "dxw");
  const int act = args.op(10, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, act);
  const RecurrentStep p = common(args, r, uk, mask, states, 1, 1);
  need(args, dStates, r.slots, "dStates");
  need(args, carry, r.row, "carry");
  need(args, dxw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "dxw");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "rnnStepGrad");
  float* dz = dxw->ptr + r.t * r.row;
  const size_t s1 = (r.t + 1) * r.row;
  launch_rnn_step_grad(stream(), p, states->ptr + s1, dStates->ptr + s1, carry->ptr, dz);
  check_launch(info.Env(), "rnnStepGrad");
  gemm(info.Env(), false, true, r.batch, r.units, r.units, 1.f, dz, uk->ptr, 1.f, carry->ptr);
  return info.Env().Undefined();
}

}  // namespace myelin
