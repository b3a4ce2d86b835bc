// The entry points of the kernels and optimizer steps in kernel.h: convert and check the call's arguments, run
// the kernel now.
#include "../common/exports.h"
#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

#define MYELIN_DEFINE_ENTRY(js, Name, count)                     \
  Napi::Value Name(const Napi::CallbackInfo& info) {             \
    const Kernel kernel = Prepare##Name(Args(info, #js, count)); \
    if (kernel) kernel();                                        \
    return info.Env().Undefined();                               \
  }
MYELIN_CPU_KERNELS(MYELIN_DEFINE_ENTRY)
#undef MYELIN_DEFINE_ENTRY

#define MYELIN_DEFINE_OPTIMIZER_ENTRY(js, Name, count) \
  Napi::Value Name(const Napi::CallbackInfo& info) {   \
    Prepare##Name(Args(info, #js, count)).step();      \
    return info.Env().Undefined();                     \
  }
MYELIN_OPTIMIZER_STEPS(MYELIN_DEFINE_OPTIMIZER_ENTRY)
#undef MYELIN_DEFINE_OPTIMIZER_ENTRY

}  // namespace myelin
