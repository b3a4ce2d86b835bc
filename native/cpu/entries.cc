// The entry points of the kernels and optimizer steps in kernel.h: convert and check the call's arguments, run
// the kernel now.
#include "../common/exports.h"
#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

namespace {
// The step number of an optimizer call (1 for the optimizers that do not take one).
double step_of(const Args& args, int stepArg) {
  return stepArg >= 0 ? args.num(static_cast<size_t>(stepArg), "step") : 1.0;
}
}  // namespace

#define MYELIN_DEFINE_ENTRY(js, Name, count)                     \
  Napi::Value Name(const Napi::CallbackInfo& info) {             \
    const Kernel kernel = Prepare##Name(Args(info, #js, count)); \
    if (kernel) kernel();                                        \
    return info.Env().Undefined();                               \
  }
MYELIN_CPU_KERNELS(MYELIN_DEFINE_ENTRY)
#undef MYELIN_DEFINE_ENTRY

#define MYELIN_DEFINE_OPTIMIZER_ENTRY(js, Name, count, lrArg, stepArg) \
  Napi::Value Name(const Napi::CallbackInfo& info) {                   \
    const Args args(info, #js, count);                                 \
    const OptimizerKernel kernel = Prepare##Name(args);                \
    kernel(args.num(lrArg, "lr"), step_of(args, stepArg));             \
    return info.Env().Undefined();                                     \
  }
MYELIN_OPTIMIZER_STEPS(MYELIN_DEFINE_OPTIMIZER_ENTRY)
#undef MYELIN_DEFINE_OPTIMIZER_ENTRY

}  // namespace myelin
