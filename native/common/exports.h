// The entry points every flavour of the addon implements (native/cpu or native/cuda), and the export-table
// helpers both flavours' addon.cc use. Their JS signatures are in lib/native/addon-types.ts.
#pragma once

#include <napi.h>

#include <cstddef>

namespace myelin {

using Entry = Napi::Value (*)(const Napi::CallbackInfo&);

// X(jsName, EntryName) for every entry point both flavours implement.
#define MYELIN_SHARED_ENTRIES(X)                      \
  X(init, Init)                                       \
  X(fill, Fill)                                       \
  X(unary, Unary)                                     \
  X(unaryGrad, UnaryGrad)                             \
  X(binary, Binary)                                   \
  X(reduce, Reduce)                                   \
  X(softmax, Softmax)                                 \
  X(softmaxGrad, SoftmaxGrad)                         \
  X(gemm, Gemm)                                       \
  X(copyStrided, CopyStrided)                         \
  X(gatherRows, GatherRows)                           \
  X(scatterAddRows, ScatterAddRows)                   \
  X(sgdStep, SgdStep)                                 \
  X(adamStep, AdamStep)                               \
  X(adagradStep, AdagradStep)                         \
  X(rmspropStep, RmspropStep)                         \
  X(denseForward, DenseForward)                       \
  X(biasActivationGrad, BiasActivationGrad)           \
  X(softmaxCrossEntropy, SoftmaxCrossEntropy)         \
  X(softmaxCrossEntropyGrad, SoftmaxCrossEntropyGrad) \
  X(sigmoidCrossEntropy, SigmoidCrossEntropy)         \
  X(sigmoidCrossEntropyGrad, SigmoidCrossEntropyGrad) \
  X(dropout, Dropout)                                 \
  X(trainSteps, TrainSteps)

#define MYELIN_DECLARE_ENTRY(js, Name) Napi::Value Name(const Napi::CallbackInfo& info);
MYELIN_SHARED_ENTRIES(MYELIN_DECLARE_ENTRY)
#undef MYELIN_DECLARE_ENTRY

// One row of an export table: JS name -> entry point. MYELIN_EXPORT_ROW makes one from an X(jsName, EntryName).
struct ExportRow {
  const char* name;
  Entry fn;
};
#define MYELIN_EXPORT_ROW(js, Name) {#js, myelin::Name},

// Sets every row of the table on `exports` and returns it.
template <size_t N>
Napi::Object export_rows(Napi::Env env, Napi::Object exports, const ExportRow (&rows)[N]) {
  for (const ExportRow& r : rows) exports.Set(r.name, Napi::Function::New(env, r.fn, r.name));
  return exports;
}

}  // namespace myelin
