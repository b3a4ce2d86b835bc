// Entry points only the CUDA flavour has (on top of native/common/exports.h). JS signatures:
// NativeCudaAddon in lib/native/addon-types.ts.
#pragma once

#include <napi.h>

namespace myelin {

// Buffers (buffers.cc).
Napi::Value Alloc(const Napi::CallbackInfo& info);
Napi::Value Upload(const Napi::CallbackInfo& info);
Napi::Value Download(const Napi::CallbackInfo& info);
Napi::Value Free(const Napi::CallbackInfo& info);
Napi::Value Length(const Napi::CallbackInfo& info);
Napi::Value MemoryInfo(const Napi::CallbackInfo& info);
Napi::Value Synchronize(const Napi::CallbackInfo& info);
Napi::Value EmptyCache(const Napi::CallbackInfo& info);
Napi::Value Profiler(const Napi::CallbackInfo& info);
// Waiting for the stream without blocking JavaScript (stream_marks.cc).
Napi::Value MarkStream(const Napi::CallbackInfo& info);
Napi::Value MarkReached(const Napi::CallbackInfo& info);
// CUDA graphs of recorded steps (graphs.cc).
Napi::Value GraphBegin(const Napi::CallbackInfo& info);
Napi::Value GraphEnd(const Napi::CallbackInfo& info);
Napi::Value GraphLaunch(const Napi::CallbackInfo& info);
Napi::Value GraphRelease(const Napi::CallbackInfo& info);
Napi::Value GraphNodes(const Napi::CallbackInfo& info);
// NCCL opened at run time, for lib/distributed (nccl_comm.cc).
Napi::Value NcclUniqueId(const Napi::CallbackInfo& info);
Napi::Value NcclInitRank(const Napi::CallbackInfo& info);
Napi::Value NcclAllReduceSum(const Napi::CallbackInfo& info);
Napi::Value NcclBroadcast(const Napi::CallbackInfo& info);
Napi::Value NcclDestroy(const Napi::CallbackInfo& info);
// Host-side logic exposed for tests that run without a GPU (internals.cc).
Napi::Value Internals(const Napi::CallbackInfo& info);

}  // namespace myelin
