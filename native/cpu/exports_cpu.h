// Entry points only the CPU flavour has (on top of native/common/exports.h). JS signatures: NativeCpuAddon in
// lib/native/addon-types.ts.
#pragma once

#include <napi.h>

namespace myelin {

// Compiled programs of recorded kernel calls (program.cc).
Napi::Value CompileProgram(const Napi::CallbackInfo& info);
Napi::Value RunProgram(const Napi::CallbackInfo& info);
// Training steps run natively back to back (train_steps.cc).
Napi::Value TrainSteps(const Napi::CallbackInfo& info);

}  // namespace myelin
