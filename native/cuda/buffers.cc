// Device buffers as opaque JS handles (napi Externals): alloc, upload, download, free, fill, plus the
// allocator's statistics, synchronize, emptyCache and the profiler switch. Work is enqueued on the one stream;
// the host waits only in download (and synchronize). A handle that JS drops without free() returns its block when
// collected. Handles are validated against the set of live handles this addon made, so a foreign object
// or External is a TypeError, never a wild pointer.
#include <mutex>
#include <unordered_set>
#include <cuda_profiler_api.h>

#include "../common/exports.h"
#include "cuda.h"
#include "exports_cuda.h"
#include "kernels.h"

namespace myelin {
namespace cuda {

namespace {

std::mutex& g_handles_mu = *new std::mutex;
std::unordered_set<DeviceBuffer*>& g_handles = *new std::unordered_set<DeviceBuffer*>;  // never destroyed

// V8 is told the device bytes a handle holds (napi_adjust_external_memory), so that handles JS forgot are
// collected, and their blocks returned, as device memory fills and not only as the JS heap does.
void account(Napi::Env env, size_t bytes, bool add) {
  const int64_t delta = static_cast<int64_t>(bytes);
  Napi::MemoryManagement::AdjustExternalMemory(env, add ? delta : -delta);
}

void release(Napi::Env env, DeviceBuffer* b) {
  if (b->live) {
    device_free(b->ptr, b->len * sizeof(float));
    account(env, b->len * sizeof(float), false);
    b->live = false;
    b->ptr = nullptr;
  }
}

void finalize(Napi::Env env, DeviceBuffer* b) {
  {
    std::lock_guard<std::mutex> lock(g_handles_mu);
    g_handles.erase(b);
  }
  release(env, b);
  delete b;
}

DeviceBuffer* lookup(Napi::Value v) {
  if (!v.IsExternal()) return nullptr;
  DeviceBuffer* b = v.As<Napi::External<DeviceBuffer>>().Data();
  std::lock_guard<std::mutex> lock(g_handles_mu);
  return g_handles.count(b) ? b : nullptr;
}

}  // namespace

Napi::Value new_buffer(Napi::Env env, size_t len, DeviceBuffer** out) {
  auto* b = new DeviceBuffer;
  try {
    b->ptr = static_cast<float*>(device_alloc(env, len * sizeof(float)));
  } catch (...) {
    delete b;
    throw;
  }
  b->len = len;
  account(env, len * sizeof(float), true);
  {
    std::lock_guard<std::mutex> lock(g_handles_mu);
    g_handles.insert(b);
  }
  *out = b;
  return Napi::External<DeviceBuffer>::New(env, b, finalize);
}

DeviceBuffer* buffer_value(const Args& args, const Napi::Value& v, const char* name) {
  DeviceBuffer* b = lookup(v);
  if (b == nullptr) args.typeError(name, "a cuda buffer handle (from alloc or upload)");
  if (!b->live) throw Napi::Error::New(args.env(), std::string("argument '") + name + "' is a freed cuda buffer");
  return b;
}

DeviceBuffer* buffer_arg(const Args& args, const Napi::CallbackInfo& info, size_t i, const char* name) {
  return buffer_value(args, info[i], name);
}

DeviceBuffer* buffer_or_null_arg(const Args& args, const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsNull() || info[i].IsUndefined()) return nullptr;
  return buffer_arg(args, info, i, name);
}

std::vector<DeviceBuffer*> buffer_list_value(const Args& args, const Napi::Value& v, const char* name) {
  if (!v.IsArray()) args.typeError(name, "an array of cuda buffer handles");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<DeviceBuffer*> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    DeviceBuffer* b = lookup(arr.Get(k));
    if (b == nullptr)
      args.typeError(name, "an array of cuda buffer handles (element " + std::to_string(k) + " is not)");
    if (!b->live) {
      throw Napi::Error::New(args.env(),
                             std::string("argument '") + name + "[" + std::to_string(k) + "]' is a freed cuda buffer");
    }
    out[k] = b;
  }
  return out;
}

std::vector<DeviceBuffer*> buffer_list_arg(const Args& args, const Napi::CallbackInfo& info, size_t i,
                                           const char* name) {
  return buffer_list_value(args, info[i], name);
}

void need(const Args& args, const DeviceBuffer* buf, size_t need, const char* name) {
  if (buf->len < need) {
    args.rangeError(std::string("argument '") + name + "' has " + std::to_string(buf->len) + " elements, needs " +
                    std::to_string(need));
  }
}

}  // namespace cuda

using namespace cuda;

// alloc(size) -> handle of `size` zeros
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Args args(info, "alloc", 1);
  const size_t size = args.size(0, "size", 4.0e12);
  require_ready(info.Env(), "alloc");
  DeviceBuffer* b;
  Napi::Value h = new_buffer(info.Env(), size, &b);
  if (size > 0) check(info.Env(), cudaMemsetAsync(b->ptr, 0, size * sizeof(float), stream()), "alloc");
  return h;
}

// upload(data: Float32Array) -> handle holding a copy of data
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Args args(info, "upload", 1);
  const F32 data = args.f32(0, "data");
  require_ready(info.Env(), "upload");
  DeviceBuffer* b;
  Napi::Value h = new_buffer(info.Env(), data.len, &b);
  upload_async(info.Env(), b->ptr, data.data, data.len * sizeof(float));
  return h;
}

// download(handle) -> Float32Array (waits for the work enqueued before it)
Napi::Value Download(const Napi::CallbackInfo& info) {
  Args args(info, "download", 1);
  DeviceBuffer* b = buffer_arg(args, info, 0, "buf");
  require_ready(info.Env(), "download");
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), b->len);
  if (b->len > 0) {
    check(info.Env(), cudaMemcpyAsync(out.Data(), b->ptr, b->len * sizeof(float), cudaMemcpyDeviceToHost, stream()),
          "download");
  }
  check(info.Env(), cudaStreamSynchronize(stream()), "download (an earlier kernel failed)");
  return out;
}

// free(handle): returns the block to the cache; idempotent.
Napi::Value Free(const Napi::CallbackInfo& info) {
  Args args(info, "free", 1);
  DeviceBuffer* b = lookup(info[0]);
  if (b == nullptr) args.typeError("buf", "a cuda buffer handle (from alloc or upload)");
  release(info.Env(), b);
  return info.Env().Undefined();
}

// fill(out, value, offset, length): out[offset .. offset + length) = value
Napi::Value Fill(const Napi::CallbackInfo& info) {
  Args args(info, "fill", 4);
  DeviceBuffer* out = buffer_arg(args, info, 0, "out");
  const float value = static_cast<float>(args.num(1, "value"));
  const size_t offset = args.size(2, "offset"), length = args.size(3, "length");
  if (offset > out->len || length > out->len - offset) {
    args.rangeError("offset + length (" + std::to_string(offset + length) + ") exceeds the length of 'out' (" +
                    std::to_string(out->len) + ")");
  }
  require_ready(info.Env(), "fill");
  launch_fill(stream(), out->ptr + offset, length, value);
  check_launch(info.Env(), "fill");
  return info.Env().Undefined();
}

// length(handle) -> the buffer's number of floats
Napi::Value Length(const Napi::CallbackInfo& info) {
  Args args(info, "length", 1);
  return Napi::Number::New(info.Env(), static_cast<double>(buffer_arg(args, info, 0, "buf")->len));
}

// memoryInfo() -> { inUseBytes, cachedBytes, mallocCalls, freeCalls, cacheHits } (works without a device)
Napi::Value MemoryInfo(const Napi::CallbackInfo& info) {
  const AllocatorStats s = allocator_stats();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("inUseBytes", static_cast<double>(s.in_use_bytes));
  o.Set("cachedBytes", static_cast<double>(s.cached_bytes));
  o.Set("mallocCalls", static_cast<double>(s.malloc_calls));
  o.Set("freeCalls", static_cast<double>(s.free_calls));
  o.Set("cacheHits", static_cast<double>(s.hits));
  return o;
}

// synchronize(): waits for every enqueued kernel; throws the error of a failed one.
Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  require_ready(info.Env(), "synchronize");
  check(info.Env(), cudaStreamSynchronize(stream()), "synchronize");
  return info.Env().Undefined();
}

// profiler(on): waits for the stream, then starts (true) or stops (false) the collection of an attached
// profiler (Nsight Compute with --profile-from-start off, Nsight Systems with --capture-range=cudaProfilerApi).
// Without a profiler it does nothing else.
Napi::Value Profiler(const Napi::CallbackInfo& info) {
  Args args(info, "profiler", 1);
  const bool on = args.flag(0, "on");
  require_ready(info.Env(), "profiler");
  if (capturing()) args.rangeError("the profiler cannot be switched during a graph capture (graphEnd() first)");
  check(info.Env(), cudaStreamSynchronize(stream()), "profiler");
  const cudaError_t err = on ? cudaProfilerStart() : cudaProfilerStop();
  if (err != cudaSuccess) cudaGetLastError();  // no profiler attached is not an error
  return info.Env().Undefined();
}

// emptyCache(): returns every cached free block to the driver.
Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  empty_cache();
  return info.Env().Undefined();
}

}  // namespace myelin
