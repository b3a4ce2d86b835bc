// Stream marks: how JavaScript waits for the GPU without blocking its thread. markStream() records an event after
// every piece of work enqueued so far and returns it (a napi External); markReached(mark) says, without waiting,
// whether the stream has got past it (cudaEventQuery), and throws the error of a kernel that failed before it.
// lib/backend/cuda.ts polls markReached between turns of the event loop (Backend.settleAsync).
#include <napi.h>

#include "cuda.h"
#include "exports_cuda.h"

namespace myelin {

namespace {

struct StreamMark {
  cudaEvent_t event = nullptr;
  ~StreamMark() {
    if (event != nullptr) cudaEventDestroy(event);
  }
};

// Tags the mark handles, so that another addon handle passed to markReached is refused, not misread.
const napi_type_tag kMarkTag = {0x6d79656c696e2d6dULL, 0x61726b2d73747231ULL};

}  // namespace

using cuda::check;
using cuda::require_ready;
using cuda::stream;

Napi::Value MarkStream(const Napi::CallbackInfo& info) {
  require_ready(info.Env(), "markStream");
  auto* mark = new StreamMark();
  const cudaError_t created = cudaEventCreateWithFlags(&mark->event, cudaEventDisableTiming);
  if (created != cudaSuccess) {
    mark->event = nullptr;
    delete mark;
    check(info.Env(), created, "markStream");
  }
  const cudaError_t recorded = cudaEventRecord(mark->event, stream());
  if (recorded != cudaSuccess) {
    delete mark;
    check(info.Env(), recorded, "markStream");
  }
  auto handle = Napi::External<StreamMark>::New(info.Env(), mark, [](Napi::Env, StreamMark* m) { delete m; });
  handle.TypeTag(&kMarkTag);
  return handle;
}

Napi::Value MarkReached(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsExternal() || !info[0].As<Napi::External<StreamMark>>().CheckTypeTag(&kMarkTag)) {
    throw Napi::TypeError::New(env, "markReached: argument 'mark' must be a mark from markStream()");
  }
  const cudaError_t err = cudaEventQuery(info[0].As<Napi::External<StreamMark>>().Data()->event);
  if (err == cudaErrorNotReady) {
    cudaGetLastError();  // not an error: clear it so that the next check does not report it
    return Napi::Boolean::New(env, false);
  }
  check(env, err, "markReached (an earlier kernel failed)");
  return Napi::Boolean::New(env, true);
}

}  // namespace myelin
