// The entry points of the kernels in kernel.h: convert and check the call's arguments, run the kernel now.
#include "../common/exports.h"
#include "kernel.h"

namespace myelin {

#define MYELIN_DEFINE_ENTRY(js, Name, count)                  \
  Napi::Value Name(const Napi::CallbackInfo& info) {          \
    const Kernel kernel = Prepare##Name(Args(info, #js, count)); \
    if (kernel) kernel();                                     \
    return info.Env().Undefined();                            \
  }
MYELIN_CPU_KERNELS(MYELIN_DEFINE_ENTRY)
#undef MYELIN_DEFINE_ENTRY

}  // namespace myelin
