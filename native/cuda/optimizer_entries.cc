// Entry points of the multi-tensor optimizer steps: check every list and length, build the chunk table on
// the host (split_chunks), send it to the device through the staging ring and enqueue ONE kernel launch
// that updates every parameter (optimizers.cu). Formulas: lib/backend/kernel-table.ts. The learning rate and
// the step number are read on the device from the optimizer's `hyper` buffer [learningRate, stepsDone], whose
// count the launch advances. A prepared step (prepare_optimizer_call) keeps its table for many launches
// (train_steps.cc).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../common/exports.h"
#include "../common/optimizer_math.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

namespace {

using List = std::vector<DeviceBuffer*>;

// A state list has one buffer per parameter, each as long as its parameter; an optional one may be empty
// instead (returns false then).
bool check_state(const Args& args, const List& params, const List& state, const char* name, bool required) {
  if (state.empty() && !required) return false;
  if (state.size() != params.size()) {
    args.rangeError(std::string("argument '") + name + "' has " + std::to_string(state.size()) + " tensors, expected " +
                    std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (state[i]->len != params[i]->len) {
      args.rangeError(std::string("argument '") + name + "[" + std::to_string(i) + "]' has " +
                      std::to_string(state[i]->len) + " elements, expected " + std::to_string(params[i]->len) +
                      " like params[" + std::to_string(i) + "]");
    }
  }
  return true;
}

float* at(const List& list, bool use, size_t t, size_t i) { return use ? list[t]->ptr + i : nullptr; }

// The `hyper` buffer [learningRate, stepsDone] of argument i.
float* hyper_arg(const Args& args, size_t i) {
  const DeviceBuffer* hyper = buffer_value(args, args.value(i), "hyper");
  if (hyper->len < 2) {
    args.rangeError("argument 'hyper' must hold 2 floats [learningRate, stepsDone], got " + std::to_string(hyper->len));
  }
  return hyper->ptr;
}

// The chunk table for params/grads and up to three state lists (unused ones empty).
std::vector<TensorChunk> chunk_table(const List& p, const List& g, const List& s0, const List& s1, const List& s2) {
  std::vector<size_t> lengths(p.size());
  size_t total = 0;
  for (size_t t = 0; t < p.size(); ++t) total += lengths[t] = p[t]->len;
  const std::vector<ChunkRef> refs = split_chunks(lengths, optimizer_chunk(total, multiprocessors()));
  std::vector<TensorChunk> table(refs.size());
  for (size_t c = 0; c < refs.size(); ++c) {
    const ChunkRef& r = refs[c];
    table[c] = TensorChunk{p[r.tensor]->ptr + r.begin,
                           g[r.tensor]->ptr + r.begin,
                           at(s0, !s0.empty(), r.tensor, r.begin),
                           at(s1, !s1.empty(), r.tensor, r.begin),
                           at(s2, !s2.empty(), r.tensor, r.begin),
                           r.length};
  }
  return table;
}

// sgdStep(params, grads, velocity, hyper, momentum, nesterov, weightDecay, keras)
PreparedOptimizer prepare_sgd(const Args& args) {
  const List p = buffer_list_value(args, args.value(0), "params"), g = buffer_list_value(args, args.value(1), "grads");
  const List v = buffer_list_value(args, args.value(2), "velocity");
  PreparedOptimizer o{OptimizerKind::sgd, {}, {}, hyper_arg(args, 3)};
  o.base.momentum = args.num(4, "momentum"), o.base.wd = args.num(6, "weightDecay");
  o.base.nesterov = args.flag(5, "nesterov"), o.base.keras = args.flag(7, "keras");
  check_state(args, p, g, "grads", true);
  const bool useV = check_state(args, p, v, "velocity", o.base.momentum != 0.0) && o.base.momentum != 0.0;
  o.table = chunk_table(p, g, useV ? v : List(), List(), List());
  return o;
}

// adamStep(params, grads, m, v, vmax, hyper, beta1, beta2, epsilon, weightDecay, decoupled, keras)
PreparedOptimizer prepare_adam(const Args& args) {
  const List p = buffer_list_value(args, args.value(0), "params"), g = buffer_list_value(args, args.value(1), "grads");
  const List m = buffer_list_value(args, args.value(2), "m"), v = buffer_list_value(args, args.value(3), "v");
  const List vmax = buffer_list_value(args, args.value(4), "vmax");
  PreparedOptimizer o{OptimizerKind::adam, {}, {}, hyper_arg(args, 5)};
  o.base.beta1 = args.num(6, "beta1"), o.base.beta2 = args.num(7, "beta2");
  o.base.eps = args.num(8, "epsilon");
  o.base.wd = args.num(9, "weightDecay");
  o.base.decoupled = args.flag(10, "decoupled"), o.base.keras = args.flag(11, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, m, "m", true);
  check_state(args, p, v, "v", true);
  const bool ams = check_state(args, p, vmax, "vmax", false);
  o.table = chunk_table(p, g, m, v, ams ? vmax : List());
  return o;
}

// adagradStep(params, grads, accum, hyper, epsilon, weightDecay, keras)
PreparedOptimizer prepare_adagrad(const Args& args) {
  const List p = buffer_list_value(args, args.value(0), "params"), g = buffer_list_value(args, args.value(1), "grads");
  const List acc = buffer_list_value(args, args.value(2), "accum");
  PreparedOptimizer o{OptimizerKind::adagrad, {}, {}, hyper_arg(args, 3)};
  o.base.eps = args.num(4, "epsilon"), o.base.wd = args.num(5, "weightDecay");
  o.base.keras = args.flag(6, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, acc, "accum", true);
  o.table = chunk_table(p, g, acc, List(), List());
  return o;
}

// rmspropStep(params, grads, sq, meanGrad, momentumBuf, hyper, rho, momentum, epsilon, centered, weightDecay, keras)
PreparedOptimizer prepare_rmsprop(const Args& args) {
  const List p = buffer_list_value(args, args.value(0), "params"), g = buffer_list_value(args, args.value(1), "grads");
  const List sq = buffer_list_value(args, args.value(2), "sq"), mg = buffer_list_value(args, args.value(3), "meanGrad");
  const List buf = buffer_list_value(args, args.value(4), "momentumBuf");
  PreparedOptimizer o{OptimizerKind::rmsprop, {}, {}, hyper_arg(args, 5)};
  o.base.beta1 = args.num(6, "rho"), o.base.momentum = args.num(7, "momentum");
  o.base.eps = args.num(8, "epsilon"), o.base.wd = args.num(10, "weightDecay");
  const bool centered = args.flag(9, "centered");
  o.base.keras = args.flag(11, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, sq, "sq", true);
  const bool useMg = check_state(args, p, mg, "meanGrad", centered) && centered;
  const bool useBuf = check_state(args, p, buf, "momentumBuf", o.base.momentum > 0.0) && o.base.momentum > 0.0;
  o.table = chunk_table(p, g, sq, useMg ? mg : List(), useBuf ? buf : List());
  return o;
}

// A live optimizer call: prepares it, then uploads its table and launches it once (an empty one only advances
// the step count).
Napi::Value run_now(const Napi::CallbackInfo& info, const char* fn, size_t count,
                    PreparedOptimizer (*prepare)(const Args&)) {
  const Args args(info, fn, count);
  const PreparedOptimizer o = prepare(args);
  require_ready(info.Env(), fn);
  if (o.table.empty()) {
    launch_multi_tensor(stream(), o.kind, nullptr, 0, o.base, o.hyper);
  } else {
    DeviceTable table(info.Env(), o.table);
    launch_multi_tensor(stream(), o.kind, table.ptr, o.table.size(), o.base, o.hyper);
  }
  check_launch(info.Env(), "optimizer step");
  return info.Env().Undefined();
}

}  // namespace

DeviceTable::DeviceTable(Napi::Env env, const std::vector<TensorChunk>& table)
    : bytes(table.size() * sizeof(TensorChunk)) {
  ptr = static_cast<TensorChunk*>(device_alloc(env, bytes));
  try {
    upload_async(env, ptr, table.data(), bytes);
  } catch (...) {
    device_free(ptr, bytes);
    throw;
  }
}

DeviceTable::~DeviceTable() { device_free(ptr, bytes); }  // stream-ordered: the kernels read it before any reuse

PreparedOptimizer cuda::prepare_optimizer_call(const Args& args, const Napi::Value& value) {
  CallValue call;
  if (!read_call(value, &call)) args.typeError("optimizerCall", "[entryName, ...arguments] of an optimizer step");
  const Napi::Env env = args.env();
  if (call.name == "sgdStep") return prepare_sgd(Args(env, call.argv, call.argc, "sgdStep", 8));
  if (call.name == "adamStep") return prepare_adam(Args(env, call.argv, call.argc, "adamStep", 12));
  if (call.name == "adagradStep") return prepare_adagrad(Args(env, call.argv, call.argc, "adagradStep", 7));
  if (call.name == "rmspropStep") return prepare_rmsprop(Args(env, call.argv, call.argc, "rmspropStep", 12));
  args.rangeError("'" + call.name + "' is not an optimizer step");
}

Napi::Value SgdStep(const Napi::CallbackInfo& info) { return run_now(info, "sgdStep", 8, prepare_sgd); }
Napi::Value AdamStep(const Napi::CallbackInfo& info) { return run_now(info, "adamStep", 12, prepare_adam); }
Napi::Value AdagradStep(const Napi::CallbackInfo& info) { return run_now(info, "adagradStep", 7, prepare_adagrad); }
Napi::Value RmspropStep(const Napi::CallbackInfo& info) { return run_now(info, "rmspropStep", 12, prepare_rmsprop); }

}  // namespace myelin
