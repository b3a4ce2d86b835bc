// Entry points only the CPU flavour has (on top of native/common/exports.h). JS signatures: NativeCpuAddon in
// lib/native/addon-types.ts.
#pragma once

#include <napi.h>

namespace myelin {

// out[i] = f(a[i], b[i]): the same-shape case of binary without stride arrays (elementwise.cc, entries.cc).
Napi::Value BinarySame(const Napi::CallbackInfo& info);
// Compiled programs of recorded kernel calls (program.cc).
Napi::Value CompileProgram(const Napi::CallbackInfo& info);
Napi::Value RunProgram(const Napi::CallbackInfo& info);
// The Fisher-Yates shuffle of Random.shuffle on an Int32Array, from the generator state (shuffle.cc).
Napi::Value ShuffleIndices(const Napi::CallbackInfo& info);
// Whole epochs of training steps, shuffling natively (train_epochs.cc).
Napi::Value TrainEpochs(const Napi::CallbackInfo& info);
// Off the JS thread (async_job.h): training steps, whole epochs and inference batches, each returning a Promise of
// the steps run (train_steps.cc, train_epochs.cc, run_batches.cc).
Napi::Value TrainStepsAsync(const Napi::CallbackInfo& info);
Napi::Value TrainEpochsAsync(const Napi::CallbackInfo& info);
Napi::Value RunBatchesAsync(const Napi::CallbackInfo& info);
// Numeric rows of a block of CSV lines parsed off the JS thread, for fromCsv (csv_parse.cc).
Napi::Value ParseCsvBlockAsync(const Napi::CallbackInfo& info);
// MPI collectives opened with dlopen, for lib/distributed (mpi_comm.cc).
Napi::Value MpiInit(const Napi::CallbackInfo& info);
Napi::Value MpiAllReduceSum(const Napi::CallbackInfo& info);
Napi::Value MpiBroadcast(const Napi::CallbackInfo& info);
Napi::Value MpiAllGather(const Napi::CallbackInfo& info);
Napi::Value MpiBarrier(const Napi::CallbackInfo& info);
Napi::Value MpiFinalize(const Napi::CallbackInfo& info);
Napi::Value MpiSetTimeout(const Napi::CallbackInfo& info);
// Gradients averaged over the ranks inside a compiled training step (gradient_sync.cc).
Napi::Value AttachGradientSync(const Napi::CallbackInfo& info);
Napi::Value GradientSyncStats(const Napi::CallbackInfo& info);

}  // namespace myelin
