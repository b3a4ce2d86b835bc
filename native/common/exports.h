// The entry points every flavour of the addon implements (native/cpu or native/cuda). Their JS
// signatures are in lib/native/addon-types.ts.
#pragma once

#include <napi.h>

namespace myelin {

using Entry = Napi::Value (*)(const Napi::CallbackInfo&);

Napi::Value Init(const Napi::CallbackInfo& info);
Napi::Value Fill(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value UnaryGrad(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value BinarySame(const Napi::CallbackInfo& info);
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value Softmax(const Napi::CallbackInfo& info);
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info);
Napi::Value Gemm(const Napi::CallbackInfo& info);
Napi::Value CopyStrided(const Napi::CallbackInfo& info);
Napi::Value GatherRows(const Napi::CallbackInfo& info);
Napi::Value ScatterAddRows(const Napi::CallbackInfo& info);
Napi::Value SgdStep(const Napi::CallbackInfo& info);
Napi::Value AdamStep(const Napi::CallbackInfo& info);
Napi::Value AdagradStep(const Napi::CallbackInfo& info);
Napi::Value RmspropStep(const Napi::CallbackInfo& info);
Napi::Value DenseForward(const Napi::CallbackInfo& info);
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info);
Napi::Value SoftmaxCrossEntropyGrad(const Napi::CallbackInfo& info);

}  // namespace myelin
