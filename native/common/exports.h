// The entry points every flavour of the addon implements (native/cpu or native/cuda), and the export-table
// helpers both flavours' addon.cc use. Their JS signatures are in lib/native/addon-types.ts.
#pragma once

#include <napi.h>

#include <cstddef>

namespace myelin {

using Entry = Napi::Value (*)(const Napi::CallbackInfo&);

// The kernels, one row each, as in lib/backend/kernel-table.ts (test/backend/kernel-table.test.ts compares them):
// X(jsName, EntryName, argumentCount) for the kernels a compiled program can hold (cpu: a `Kernel
// Prepare<EntryName>(const Args&)` each, native/cpu/kernel.h), and for the optimizer steps (cpu: an
// `OptimizerKernel Prepare<EntryName>(const Args&)` each), which read their learning rate and step number from
// their `hyper` buffer argument [learningRate, stepsDone] and advance it. Both flavours export an entry
// `EntryName` for each.
#define MYELIN_KERNELS(X)                                \
  X(fill, Fill, 4)                                       \
  X(unary, Unary, 5)                                     \
  X(unaryGrad, UnaryGrad, 7)                             \
  X(binary, Binary, 7)                                   \
  X(reduce, Reduce, 6)                                   \
  X(softmax, Softmax, 5)                                 \
  X(softmaxGrad, SoftmaxGrad, 6)                         \
  X(roundToHalf, RoundToHalf, 4)                         \
  X(gemm, Gemm, 10)                                      \
  X(copyStrided, CopyStrided, 8)                         \
  X(gatherRows, GatherRows, 4)                           \
  X(scatterAddRows, ScatterAddRows, 4)                   \
  X(embeddingLookup, EmbeddingLookup, 5)                 \
  X(embeddingGrad, EmbeddingGrad, 5)                     \
  X(layerNorm, LayerNorm, 9)                             \
  X(layerNormGrad, LayerNormGrad, 10)                    \
  X(denseForward, DenseForward, 10)                      \
  X(biasActivationGrad, BiasActivationGrad, 9)           \
  X(softmaxCrossEntropy, SoftmaxCrossEntropy, 7)         \
  X(softmaxCrossEntropyGrad, SoftmaxCrossEntropyGrad, 9) \
  X(sigmoidCrossEntropy, SigmoidCrossEntropy, 4)         \
  X(sigmoidCrossEntropyGrad, SigmoidCrossEntropyGrad, 7) \
  X(dropout, Dropout, 8)                                 \
  X(conv2dForward, Conv2dForward, 9)                     \
  X(conv2dInputGrad, Conv2dInputGrad, 5)                 \
  X(conv2dFilterGrad, Conv2dFilterGrad, 5)               \
  X(gaussianNoise, GaussianNoise, 7)                     \
  X(pool2d, Pool2d, 5)                                   \
  X(pool2dGrad, Pool2dGrad, 6)                           \
  X(batchedGemm, BatchedGemm, 11)                        \
  X(maskedSoftmax, MaskedSoftmax, 8)                     \
  X(lstmStep, LstmStep, 12)                              \
  X(lstmStepGrad, LstmStepGrad, 14)                      \
  X(lstmSequence, LstmSequence, 10)                      \
  X(lstmSequenceGrad, LstmSequenceGrad, 12)              \
  X(gruStep, GruStep, 13)                                \
  X(gruStepGrad, GruStepGrad, 15)                        \
  X(rnnStep, RnnStep, 10)                                \
  X(rnnStepGrad, RnnStepGrad, 12)

#define MYELIN_OPTIMIZER_STEPS(X) \
  X(sgdStep, SgdStep, 8)          \
  X(adamStep, AdamStep, 12)       \
  X(adagradStep, AdagradStep, 7)  \
  X(rmspropStep, RmspropStep, 12)

// X(jsName, EntryName, ...) for every entry point both flavours implement: the runners and the kernels.
#define MYELIN_SHARED_ENTRIES(X) \
  X(init, Init)                  \
  X(trainSteps, TrainSteps)      \
  MYELIN_KERNELS(X)              \
  MYELIN_OPTIMIZER_STEPS(X)

#define MYELIN_DECLARE_ENTRY(js, Name, ...) Napi::Value Name(const Napi::CallbackInfo& info);
MYELIN_SHARED_ENTRIES(MYELIN_DECLARE_ENTRY)
#undef MYELIN_DECLARE_ENTRY

// One row of an export table: JS name -> entry point. MYELIN_EXPORT_ROW makes one from a row X(jsName, EntryName, ...).
struct ExportRow {
  const char* name;
  Entry fn;
};
#define MYELIN_EXPORT_ROW(js, Name, ...) {#js, myelin::Name},

// Sets every row of the table on `exports` and returns it.
template <size_t N>
Napi::Object export_rows(Napi::Env env, Napi::Object exports, const ExportRow (&rows)[N]) {
  for (const ExportRow& r : rows) exports.Set(r.name, Napi::Function::New(env, r.fn, r.name));
  return exports;
}

}  // namespace myelin
