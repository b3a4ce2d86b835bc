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
                     DeviceBuffer* states, size_t k, size_t slabs, DeviceBuffer* drop) {
  need(args, uk, args.mul(r.units, k * r.units, "units * k units"), "recurrentKernel");
  if (mask != nullptr) need(args, mask, r.maskNeed, "mask");
  if (drop != nullptr) need(args, drop, args.mul(k, r.row, "k * batch * units"), "recurrentMask");
  need(args, states, args.mul(r.slots, slabs, "states"), "states");
  return RecurrentStep{r.batch, r.units, r.act, r.rec, mask == nullptr ? nullptr : mask->ptr + r.t * r.batch};
}

// The step's recurrent product out = h U ([batch, k units]), or its recurrent-dropout form when drop is given.
void recurrent_product(Napi::Env env, const RecurrentArgs& r, size_t k, const float* h, const float* uk,
                       DeviceBuffer* drop, float* out) {
  if (drop != nullptr) return launch_dropped_product(stream(), r.batch, r.units, k, h, uk, drop->ptr, out);
  gemm(env, false, false, r.batch, k * r.units, r.units, 1.f, h, uk, 0.f, out);
}

// dh += dz U^T for dz [batch, k units], or its recurrent-dropout form when drop is given.
void recurrent_product_grad(Napi::Env env, const RecurrentArgs& r, size_t k, const float* dz, const float* uk,
                            DeviceBuffer* drop, float* dh) {
  if (drop != nullptr) {
    launch_dropped_product_grad(stream(), r.batch, r.units, k, dz, uk, drop->ptr, dh);
    return check_launch(env, "recurrent dropout gradient");
  }
  gemm(env, false, true, r.batch, r.units, k * r.units, 1.f, dz, uk, 1.f, dh);
}

}  // namespace

namespace {

// The buffers of an LSTM entry (those it does not take stay null) and its sizes.
struct LstmDeviceArgs {
  DeviceBuffer *xw = nullptr, *uk = nullptr, *mask = nullptr, *states = nullptr, *gates = nullptr;
  DeviceBuffer *dStates = nullptr, *carry = nullptr, *dxw = nullptr;
  RecurrentArgs r;
};

// Reads and checks lstmStep's (with t: `step`) or lstmSequence's arguments: xw, recurrentKernel, mask, states, gates,
// [t,] steps, batch, units, activation, recurrentActivation (the op ids act and rec, read by the caller).
LstmDeviceArgs lstm_forward_args(const Args& args, const Napi::CallbackInfo& info, bool step, int act, int rec) {
  LstmDeviceArgs d;
  d.xw = buffer_arg(args, info, 0, "xw"), d.uk = buffer_arg(args, info, 1, "recurrentKernel");
  d.mask = buffer_or_null_arg(args, info, 2, "mask"), d.states = buffer_arg(args, info, 3, "states");
  d.gates = buffer_arg(args, info, 4, "gates");
  d.r = step ? recurrent_args(args, 5, act, rec) : recurrent_sequence_args(args, 5, act, rec);
  common(args, d.r, d.uk, d.mask, d.states, 4, 2, nullptr);
  const size_t g4 = args.mul(d.r.maskNeed, 4 * d.r.units, "steps * batch * 4 units");
  need(args, d.xw, g4, "xw");
  need(args, d.gates, g4, "gates");
  return d;
}

// Reads and checks lstmStepGrad's (with t: `step`) or lstmSequenceGrad's arguments: recurrentKernel, mask, states,
// gates, dStates, carry, dxw, [t,] steps, batch, units, activation, recurrentActivation (act and rec, read by the
// caller).
LstmDeviceArgs lstm_backward_args(const Args& args, const Napi::CallbackInfo& info, bool step, int act, int rec) {
  LstmDeviceArgs d;
  d.uk = buffer_arg(args, info, 0, "recurrentKernel"), d.mask = buffer_or_null_arg(args, info, 1, "mask");
  d.states = buffer_arg(args, info, 2, "states"), d.gates = buffer_arg(args, info, 3, "gates");
  d.dStates = buffer_arg(args, info, 4, "dStates"), d.carry = buffer_arg(args, info, 5, "carry");
  d.dxw = buffer_arg(args, info, 6, "dxw");
  d.r = step ? recurrent_args(args, 7, act, rec) : recurrent_sequence_args(args, 7, act, rec);
  common(args, d.r, d.uk, d.mask, d.states, 4, 2, nullptr);
  need(args, d.dStates, 2 * d.r.slots, "dStates");
  need(args, d.carry, 2 * d.r.row, "carry");
  const size_t g4 = args.mul(d.r.maskNeed, 4 * d.r.units, "steps * batch * 4 units");
  need(args, d.gates, g4, "gates");
  need(args, d.dxw, g4, "dxw");
  return d;
}

RecurrentStep lstm_launch_params(const LstmDeviceArgs& d, size_t t) {
  return RecurrentStep{d.r.batch, d.r.units, d.r.act, d.r.rec,
                       d.mask == nullptr ? nullptr : d.mask->ptr + t * d.r.batch};
}

// Step t of the forward pass: the recurrent GEMM into gates[t], then the cell.
void lstm_forward_step(Napi::Env env, const LstmDeviceArgs& d, size_t t) {
  const RecurrentArgs& r = d.r;
  const size_t w = 4 * r.units;
  float* h = d.states->ptr + t * r.row;
  float* c = d.states->ptr + r.slots + t * r.row;
  float* g = d.gates->ptr + t * r.batch * w;
  gemm(env, false, false, r.batch, w, r.units, 1.f, h, d.uk->ptr, 0.f, g);
  launch_lstm_step(stream(), lstm_launch_params(d, t), d.xw->ptr + t * r.batch * w, g, h, c, h + r.row, c + r.row);
}

// Step t of backpropagation through time: the cell's gradient into dxw[t], then carry's dh += dz U^T.
void lstm_backward_step(Napi::Env env, const LstmDeviceArgs& d, size_t t) {
  const RecurrentArgs& r = d.r;
  const size_t w = 4 * r.units, s1 = (t + 1) * r.row;
  const float* c = d.states->ptr + r.slots + t * r.row;
  float* dz = d.dxw->ptr + t * r.batch * w;
  launch_lstm_step_grad(stream(), lstm_launch_params(d, t), d.gates->ptr + t * r.batch * w, c, c + r.row,
                        d.dStates->ptr + s1, d.dStates->ptr + r.slots + s1, d.carry->ptr, d.carry->ptr + r.row, dz);
  gemm(env, false, true, r.batch, r.units, w, 1.f, dz, d.uk->ptr, 1.f, d.carry->ptr);
}

// Runs an LSTM entry on its checked arguments: step d.r.t alone (`step`) or every step, forward (in order) or
// backward (in reverse order); the steps go in stream order, as each step's GEMM needs the whole previous state.
Napi::Value run_lstm(const Napi::CallbackInfo& info, const char* name, const LstmDeviceArgs& d, bool forward,
                     bool step) {
  if (d.r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), name);
  const size_t first = step ? d.r.t : 0, end = step ? d.r.t + 1 : d.r.steps;
  for (size_t i = first; i < end; ++i) {
    if (forward) {
      lstm_forward_step(info.Env(), d, i);
    } else {
      lstm_backward_step(info.Env(), d, first + end - 1 - i);
    }
  }
  check_launch(info.Env(), name);
  return info.Env().Undefined();
}

}  // namespace

// lstmStep(xw, recurrentKernel, mask, states, gates, t, steps, batch, units, activation, recurrentActivation,
// recurrentMask)
Napi::Value LstmStep(const Napi::CallbackInfo& info) {
  Args args(info, "lstmStep", 12);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *mask = buffer_or_null_arg(args, info, 2, "mask"), *states = buffer_arg(args, info, 3, "states");
  DeviceBuffer* gates = buffer_arg(args, info, 4, "gates");
  const int act = args.op(9, "activation", kUnaryOpCount), rec = args.op(10, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 5, act, rec);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 11, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 4, 2, drop);
  const size_t g4 = args.mul(r.maskNeed, 4 * r.units, "steps * batch * 4 units");
  need(args, xw, g4, "xw");
  need(args, gates, g4, "gates");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "lstmStep");
  const size_t w = 4 * r.units;
  float* h = states->ptr + r.t * r.row;
  float* c = states->ptr + r.slots + r.t * r.row;
  float* g = gates->ptr + r.t * r.batch * w;
  recurrent_product(info.Env(), r, 4, h, uk->ptr, drop, g);
  launch_lstm_step(stream(), p, xw->ptr + r.t * r.batch * w, g, h, c, h + r.row, c + r.row);
  check_launch(info.Env(), "lstmStep");
  return info.Env().Undefined();
}

// lstmStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, t, steps, batch, units, activation,
// recurrentActivation, recurrentMask)
Napi::Value LstmStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "lstmStepGrad", 14);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *gates = buffer_arg(args, info, 3, "gates");
  DeviceBuffer *dStates = buffer_arg(args, info, 4, "dStates"), *carry = buffer_arg(args, info, 5, "carry");
  DeviceBuffer* dxw = buffer_arg(args, info, 6, "dxw");
  const int act = args.op(11, "activation", kUnaryOpCount), rec = args.op(12, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 7, act, rec);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 13, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 4, 2, drop);
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
  recurrent_product_grad(info.Env(), r, 4, dz, uk->ptr, drop, carry->ptr);
  return info.Env().Undefined();
}

// lstmSequence(xw, recurrentKernel, mask, states, gates, steps, batch, units, activation, recurrentActivation)
Napi::Value LstmSequence(const Napi::CallbackInfo& info) {
  Args args(info, "lstmSequence", 10);
  const int act = args.op(8, "activation", kUnaryOpCount), rec = args.op(9, "recurrentActivation", kUnaryOpCount);
  return run_lstm(info, "lstmSequence", lstm_forward_args(args, info, false, act, rec), true, false);
}

// lstmSequenceGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, steps, batch, units, activation,
// recurrentActivation)
Napi::Value LstmSequenceGrad(const Napi::CallbackInfo& info) {
  Args args(info, "lstmSequenceGrad", 12);
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  return run_lstm(info, "lstmSequenceGrad", lstm_backward_args(args, info, false, act, rec), false, false);
}

// gruStep(xw, recurrentKernel, recurrentBias, mask, states, gates, t, steps, batch, units, activation,
// recurrentActivation, recurrentMask)
Napi::Value GruStep(const Napi::CallbackInfo& info) {
  Args args(info, "gruStep", 13);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *bias = buffer_arg(args, info, 2, "recurrentBias"), *mask = buffer_or_null_arg(args, info, 3, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 4, "states"), *gates = buffer_arg(args, info, 5, "gates");
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, rec);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 12, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 3, 1, drop);
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
  recurrent_product(info.Env(), r, 3, h, uk->ptr, drop, a);
  launch_gru_step(stream(), p, xw->ptr + r.t * r.batch * w, bias->ptr, zrn, a, h, h + r.row);
  check_launch(info.Env(), "gruStep");
  return info.Env().Undefined();
}

// gruStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, dRecurrent, t, steps, batch, units,
// activation, recurrentActivation, recurrentMask)
Napi::Value GruStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "gruStepGrad", 15);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *gates = buffer_arg(args, info, 3, "gates");
  DeviceBuffer *dStates = buffer_arg(args, info, 4, "dStates"), *carry = buffer_arg(args, info, 5, "carry");
  DeviceBuffer *dxw = buffer_arg(args, info, 6, "dxw"), *dRec = buffer_arg(args, info, 7, "dRecurrent");
  const int act = args.op(12, "activation", kUnaryOpCount), rec = args.op(13, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 8, act, rec);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 14, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 3, 1, drop);
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
  recurrent_product_grad(info.Env(), r, 3, da, uk->ptr, drop, carry->ptr);
  return info.Env().Undefined();
}

// rnnStep(xw, recurrentKernel, mask, states, t, steps, batch, units, activation, recurrentMask)
Napi::Value RnnStep(const Napi::CallbackInfo& info) {
  Args args(info, "rnnStep", 10);
  DeviceBuffer *xw = buffer_arg(args, info, 0, "xw"), *uk = buffer_arg(args, info, 1, "recurrentKernel");
  DeviceBuffer *mask = buffer_or_null_arg(args, info, 2, "mask"), *states = buffer_arg(args, info, 3, "states");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 4, act, act);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 9, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 1, 1, drop);
  need(args, xw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "xw");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "rnnStep");
  float* h = states->ptr + r.t * r.row;
  recurrent_product(info.Env(), r, 1, h, uk->ptr, drop, h + r.row);
  launch_rnn_step(stream(), p, xw->ptr + r.t * r.row, h, h + r.row);
  check_launch(info.Env(), "rnnStep");
  return info.Env().Undefined();
}

// rnnStepGrad(recurrentKernel, mask, states, dStates, carry, dxw, t, steps, batch, units, activation, recurrentMask)
Napi::Value RnnStepGrad(const Napi::CallbackInfo& info) {
  Args args(info, "rnnStepGrad", 12);
  DeviceBuffer *uk = buffer_arg(args, info, 0, "recurrentKernel"), *mask = buffer_or_null_arg(args, info, 1, "mask");
  DeviceBuffer *states = buffer_arg(args, info, 2, "states"), *dStates = buffer_arg(args, info, 3, "dStates");
  DeviceBuffer *carry = buffer_arg(args, info, 4, "carry"), *dxw = buffer_arg(args, info, 5, "dxw");
  const int act = args.op(10, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, act);
  DeviceBuffer* drop = buffer_or_null_arg(args, info, 11, "recurrentMask");
  const RecurrentStep p = common(args, r, uk, mask, states, 1, 1, drop);
  need(args, dStates, r.slots, "dStates");
  need(args, carry, r.row, "carry");
  need(args, dxw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "dxw");
  if (r.row == 0) return info.Env().Undefined();
  require_ready(info.Env(), "rnnStepGrad");
  float* dz = dxw->ptr + r.t * r.row;
  const size_t s1 = (r.t + 1) * r.row;
  launch_rnn_step_grad(stream(), p, states->ptr + s1, dStates->ptr + s1, carry->ptr, dz);
  check_launch(info.Env(), "rnnStepGrad");
  recurrent_product_grad(info.Env(), r, 1, dz, uk->ptr, drop, carry->ptr);
  return info.Env().Undefined();
}

}  // namespace myelin
