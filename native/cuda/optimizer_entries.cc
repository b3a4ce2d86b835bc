// Entry points of the multi-tensor optimizer steps: check every list and length, build the chunk table on
// the host (split_chunks), send it to the device through the staging ring and enqueue ONE kernel launch
// that updates every parameter (optimizers.cu). Formulas: lib/backend/backend.ts.
#include <cmath>
#include <string>
#include <vector>

#include "../common/exports.h"
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

// Builds the chunk table for params/grads and up to three state lists (unused ones empty), uploads it and
// launches the kernel once.
void run(Napi::Env env, OptimizerKind kind, const List& p, const List& g, const List& s0, const List& s1,
         const List& s2, const OptimizerScalars& sc) {
  std::vector<size_t> lengths(p.size());
  for (size_t t = 0; t < p.size(); ++t) lengths[t] = p[t]->len;
  const std::vector<ChunkRef> refs = split_chunks(lengths, kOptimizerChunk);
  if (refs.empty()) return;
  std::vector<TensorChunk> table(refs.size());
  for (size_t c = 0; c < refs.size(); ++c) {
    const ChunkRef& r = refs[c];
    table[c] = TensorChunk{p[r.tensor]->ptr + r.begin, g[r.tensor]->ptr + r.begin, at(s0, !s0.empty(), r.tensor, r.begin),
                           at(s1, !s1.empty(), r.tensor, r.begin), at(s2, !s2.empty(), r.tensor, r.begin), r.length};
  }
  const size_t bytes = table.size() * sizeof(TensorChunk);
  void* dev = device_alloc(env, bytes);
  try {
    upload_async(env, dev, table.data(), bytes);
    launch_multi_tensor(stream(), kind, static_cast<const TensorChunk*>(dev), table.size(), sc);
    check_launch(env, "optimizer step");
  } catch (...) {
    device_free(dev, bytes);
    throw;
  }
  device_free(dev, bytes);  // stream-ordered: the kernel reads it before any later reuse
}

}  // namespace

// sgdStep(params, grads, velocity, lr, momentum, nesterov, weightDecay)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Args args(info, "sgdStep", 7);
  const List p = buffer_list_arg(args, info, 0, "params"), g = buffer_list_arg(args, info, 1, "grads");
  const List v = buffer_list_arg(args, info, 2, "velocity");
  OptimizerScalars sc{};
  sc.lr = args.num(3, "lr"), sc.momentum = args.num(4, "momentum"), sc.wd = args.num(6, "weightDecay");
  sc.nesterov = args.flag(5, "nesterov");
  check_state(args, p, g, "grads", true);
  const bool useV = check_state(args, p, v, "velocity", sc.momentum != 0.0) && sc.momentum != 0.0;
  require_ready(info.Env(), "sgdStep");
  run(info.Env(), OptimizerKind::sgd, p, g, useV ? v : List(), List(), List(), sc);
  return info.Env().Undefined();
}

// adamStep(params, grads, m, v, vmax, lr, beta1, beta2, epsilon, step, weightDecay, decoupled)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Args args(info, "adamStep", 12);
  const List p = buffer_list_arg(args, info, 0, "params"), g = buffer_list_arg(args, info, 1, "grads");
  const List m = buffer_list_arg(args, info, 2, "m"), v = buffer_list_arg(args, info, 3, "v");
  const List vmax = buffer_list_arg(args, info, 4, "vmax");
  OptimizerScalars sc{};
  sc.lr = args.num(5, "lr"), sc.beta1 = args.num(6, "beta1"), sc.beta2 = args.num(7, "beta2");
  sc.eps = args.num(8, "epsilon");
  const double step = args.num(9, "step");
  if (!(step >= 1) || std::floor(step) != step) args.rangeError("argument 'step' must be an integer >= 1, got " + std::to_string(step));
  sc.wd = args.num(10, "weightDecay");
  sc.decoupled = args.flag(11, "decoupled");
  // Bias corrections in double, as the CPU flavour: 1 / (1 - b1^t), 1 / (1 - b2^t).
  sc.inv_bc1 = 1.0 / (1.0 - std::pow(sc.beta1, step));
  sc.inv_bc2 = 1.0 / (1.0 - std::pow(sc.beta2, step));
  check_state(args, p, g, "grads", true);
  check_state(args, p, m, "m", true);
  check_state(args, p, v, "v", true);
  const bool ams = check_state(args, p, vmax, "vmax", false);
  require_ready(info.Env(), "adamStep");
  run(info.Env(), OptimizerKind::adam, p, g, m, v, ams ? vmax : List(), sc);
  return info.Env().Undefined();
}

// adagradStep(params, grads, accum, lr, epsilon, weightDecay)
Napi::Value AdagradStep(const Napi::CallbackInfo& info) {
  Args args(info, "adagradStep", 6);
  const List p = buffer_list_arg(args, info, 0, "params"), g = buffer_list_arg(args, info, 1, "grads");
  const List acc = buffer_list_arg(args, info, 2, "accum");
  OptimizerScalars sc{};
  sc.lr = args.num(3, "lr"), sc.eps = args.num(4, "epsilon"), sc.wd = args.num(5, "weightDecay");
  check_state(args, p, g, "grads", true);
  check_state(args, p, acc, "accum", true);
  require_ready(info.Env(), "adagradStep");
  run(info.Env(), OptimizerKind::adagrad, p, g, acc, List(), List(), sc);
  return info.Env().Undefined();
}

// rmspropStep(params, grads, sq, meanGrad, momentumBuf, lr, rho, momentum, epsilon, centered, weightDecay)
Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  Args args(info, "rmspropStep", 11);
  const List p = buffer_list_arg(args, info, 0, "params"), g = buffer_list_arg(args, info, 1, "grads");
  const List sq = buffer_list_arg(args, info, 2, "sq"), mg = buffer_list_arg(args, info, 3, "meanGrad");
  const List buf = buffer_list_arg(args, info, 4, "momentumBuf");
  OptimizerScalars sc{};
  sc.lr = args.num(5, "lr"), sc.beta1 = args.num(6, "rho"), sc.momentum = args.num(7, "momentum");
  sc.eps = args.num(8, "epsilon"), sc.wd = args.num(10, "weightDecay");
  const bool centered = args.flag(9, "centered");
  check_state(args, p, g, "grads", true);
  check_state(args, p, sq, "sq", true);
  const bool useMg = check_state(args, p, mg, "meanGrad", centered) && centered;
  const bool useBuf = check_state(args, p, buf, "momentumBuf", sc.momentum > 0.0) && sc.momentum > 0.0;
  require_ready(info.Env(), "rmspropStep");
  run(info.Env(), OptimizerKind::rmsprop, p, g, sq, useMg ? mg : List(), useBuf ? buf : List(), sc);
  return info.Env().Undefined();
}

}  // namespace myelin
