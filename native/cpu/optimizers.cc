// Multi-tensor optimizer steps: one call updates every parameter in place with the per-element math of
// native/common/optimizer_math.h (formulas in lib/backend/kernel-table.ts), computed in double, stored as float. All
// list lengths and tensor lengths are checked before anything is written. Each step reads its learning rate and
// step number from the optimizer's `hyper` buffer [learningRate, stepsDone] and stores its step number there after
// the update (lib/optimizers/hyper-buffer.ts).
#include <cmath>
#include <string>
#include <vector>

#include "../common/args.h"
#include "kernel.h"
#include "../common/optimizer_math.h"
#include "../common/thread_pool.h"
#include "cpu.h"

namespace myelin {

namespace {

// A state list must have one tensor per parameter with the parameter's length; an optional list may
// be empty instead (returns false then).
bool check_state(const Args& args, const std::vector<F32>& params, const std::vector<F32>& state, const char* name,
                 bool required) {
  if (state.empty() && !required) return false;
  args.needList(state, params.size(), name);
  for (size_t i = 0; i < params.size(); ++i) {
    if (state[i].len != params[i].len) {
      args.rangeError(std::string("argument '") + name + "[" + std::to_string(i) + "]' has " +
                      std::to_string(state[i].len) + " elements, expected " + std::to_string(params[i].len) +
                      " like params[" + std::to_string(i) + "]");
    }
  }
  return true;
}

// Elements per thread of an optimizer step: a few tens of flops per element (a division and a square root
// in double for Adam), so the split pays off on smaller tensors than a streaming elementwise op.
constexpr size_t kOptimizerGrain = kParallelMin / 8;

// Runs fn(tensor, begin, end) over every element of every tensor, threaded inside large tensors.
template <class F>
void for_each_element(const std::vector<F32>& params, F&& fn) {
  for (size_t t = 0; t < params.size(); ++t) {
    parallel_for(params[t].len, kOptimizerGrain, [&](size_t b, size_t e) { fn(t, b, e); });
  }
}

float* at(const std::vector<F32>& list, size_t t, size_t i) { return list.empty() ? nullptr : list[t].data + i; }

// The `hyper` buffer [learningRate, stepsDone] of argument i.
float* hyper_arg(const Args& args, size_t i) {
  const F32 hyper = args.f32(i, "hyper");
  if (hyper.len < 2) {
    args.rangeError("argument 'hyper' must hold 2 floats [learningRate, stepsDone], got " + std::to_string(hyper.len));
  }
  return hyper.data;
}

// The prepared step: `update(lr, step)` with the rate and step number read from `hyper`, then the count advanced.
template <class F>
OptimizerKernel with_hyper(float* hyper, F update) {
  return OptimizerKernel{[hyper, update]() {
                           const double step = static_cast<double>(hyper[1]) + 1.0;
                           update(static_cast<double>(hyper[0]), step);
                           hyper[1] = static_cast<float>(step);
                         },
                         hyper};
}

// Adam without amsgrad over n contiguous elements: a branch-free loop the compiler vectorizes (double
// lanes; the same math as adam_update, element by element). The scalars are copied so their branches
// are loop-invariant.
MYELIN_CLONES void adam_span(float* p, const float* g, float* m, float* v, size_t n,
                             const AdamScalars<double>& scalars) {
  const AdamScalars<double> s = scalars;
  for (size_t i = 0; i < n; ++i) adam_update(p[i], g[i], m[i], v[i], static_cast<float*>(nullptr), s);
}

}  // namespace

// sgdStep(params, grads, velocity, hyper, momentum, nesterov, weightDecay, keras)
OptimizerKernel PrepareSgdStep(const Args& args) {
  const auto p = args.f32List(0, "params"), g = args.f32List(1, "grads"), v = args.f32List(2, "velocity");
  float* const hyper = hyper_arg(args, 3);
  const double mu = args.num(4, "momentum"), wd = args.num(6, "weightDecay");
  const bool nesterov = args.flag(5, "nesterov"), keras = args.flag(7, "keras");
  check_state(args, p, g, "grads", true);
  const bool useV = check_state(args, p, v, "velocity", mu != 0.0) && mu != 0.0;
  return with_hyper(hyper, [=](double lr, double) {
    for_each_element(p, [&](size_t t, size_t b, size_t e) {
      float *pp = p[t].data, *gg = g[t].data;
      for (size_t i = b; i < e; ++i)
        sgd_update(pp[i], gg[i], useV ? v[t].data + i : nullptr, lr, mu, nesterov, wd, keras);
    });
  });
}

// adamStep(params, grads, m, v, vmax, hyper, beta1, beta2, epsilon, weightDecay, decoupled, keras)
OptimizerKernel PrepareAdamStep(const Args& args) {
  const auto p = args.f32List(0, "params"), g = args.f32List(1, "grads"), m = args.f32List(2, "m");
  const auto v = args.f32List(3, "v"), vmax = args.f32List(4, "vmax");
  AdamScalars<double> base;
  float* const hyper = hyper_arg(args, 5);
  base.beta1 = args.num(6, "beta1"), base.beta2 = args.num(7, "beta2");
  base.eps = args.num(8, "epsilon");
  base.wd = args.num(9, "weightDecay");
  base.decoupled = args.flag(10, "decoupled");
  const bool keras = args.flag(11, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, m, "m", true);
  check_state(args, p, v, "v", true);
  const bool ams = check_state(args, p, vmax, "vmax", false);
  return with_hyper(hyper, [=](double lr, double step) {
    AdamScalars<double> s = base;
    adam_step_scalars(s, lr, s.beta1, s.beta2, step, keras);
    for_each_element(p, [&](size_t t, size_t b, size_t e) {
      float *pp = p[t].data, *gg = g[t].data, *mm = m[t].data, *vv = v[t].data;
      if (!ams) return adam_span(pp + b, gg + b, mm + b, vv + b, e - b, s);
      for (size_t i = b; i < e; ++i) adam_update(pp[i], gg[i], mm[i], vv[i], at(vmax, t, i), s);
    });
  });
}

// adagradStep(params, grads, accum, hyper, epsilon, weightDecay, keras)
OptimizerKernel PrepareAdagradStep(const Args& args) {
  const auto p = args.f32List(0, "params"), g = args.f32List(1, "grads"), acc = args.f32List(2, "accum");
  float* const hyper = hyper_arg(args, 3);
  const double eps = args.num(4, "epsilon"), wd = args.num(5, "weightDecay");
  const bool keras = args.flag(6, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, acc, "accum", true);
  return with_hyper(hyper, [=](double lr, double) {
    for_each_element(p, [&](size_t t, size_t b, size_t e) {
      float *pp = p[t].data, *gg = g[t].data, *aa = acc[t].data;
      for (size_t i = b; i < e; ++i) adagrad_update(pp[i], gg[i], aa[i], lr, eps, wd, keras);
    });
  });
}

// rmspropStep(params, grads, sq, meanGrad, momentumBuf, hyper, rho, momentum, epsilon, centered, weightDecay, keras)
OptimizerKernel PrepareRmspropStep(const Args& args) {
  const auto p = args.f32List(0, "params"), g = args.f32List(1, "grads"), sq = args.f32List(2, "sq");
  const auto mg = args.f32List(3, "meanGrad"), buf = args.f32List(4, "momentumBuf");
  float* const hyper = hyper_arg(args, 5);
  const double rho = args.num(6, "rho"), mu = args.num(7, "momentum");
  const double eps = args.num(8, "epsilon"), wd = args.num(10, "weightDecay");
  const bool centered = args.flag(9, "centered"), keras = args.flag(11, "keras");
  check_state(args, p, g, "grads", true);
  check_state(args, p, sq, "sq", true);
  const bool useMg = check_state(args, p, mg, "meanGrad", centered) && centered;
  const bool useBuf = check_state(args, p, buf, "momentumBuf", mu > 0.0) && mu > 0.0;
  return with_hyper(hyper, [=](double lr, double) {
    for_each_element(p, [&](size_t t, size_t b, size_t e) {
      float *pp = p[t].data, *gg = g[t].data, *ss = sq[t].data;
      for (size_t i = b; i < e; ++i) {
        rmsprop_update(pp[i], gg[i], ss[i], useMg ? at(mg, t, i) : nullptr, useBuf ? at(buf, t, i) : nullptr, lr, rho,
                       mu, eps, wd, keras);
      }
    });
  });
}

}  // namespace myelin
