// The caching device allocator. Requests are rounded to a size class; a freed block goes to its class's
// free list and is handed out again without cudaMalloc, so a training step in steady state allocates
// nothing from the driver. Reuse is safe without events because every kernel and copy runs on the one
// stream, in order. When cudaMalloc fails, the cache is returned to the driver and the call retried once;
// if it still fails, a JS Error with code ERR_MYELIN_CUDA_OOM is thrown and the process stays usable.
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cuda.h"

namespace myelin {
namespace cuda {

namespace {

// Never destroyed: buffer handles collected while the process exits still return their blocks here.
std::mutex& g_mu = *new std::mutex;
std::unordered_map<size_t, std::vector<void*>>& g_free =
    *new std::unordered_map<size_t, std::vector<void*>>;  // class -> blocks
AllocatorStats g_stats;

// Returns every cached block to the driver (caller holds g_mu; the stream is idle).
void release_cached() {
  for (auto& entry : g_free) {
    for (void* p : entry.second) {
      cudaFree(p);
      g_stats.cached_bytes -= entry.first;
      ++g_stats.free_calls;
    }
    entry.second.clear();
  }
}

}  // namespace

size_t size_class(size_t bytes) {
  constexpr size_t kMin = 512;
  if (bytes <= kMin) return kMin;
  // Highest power of two p <= bytes - 1, then steps of p / 4 above it.
  size_t p = 1;
  while (p <= (bytes - 1) / 2) p <<= 1;
  const size_t step = p / 4;
  const size_t over = bytes - p;
  const size_t cls = p + (over + step - 1) / step * step;
  return cls < bytes ? bytes : cls;  // overflow guard near SIZE_MAX
}

namespace {

// The bytes a request takes: its size class; on the host emulator (native/cuda-emu) exactly the request, so that
// the guard page the emulator puts right after every block stops a kernel that reads or writes past the end of
// its buffer.
size_t block_bytes(size_t bytes) {
#ifdef MYELIN_CUDA_EMULATOR
  return bytes;
#else
  return size_class(bytes);
#endif
}

}  // namespace

void* device_alloc(Napi::Env env, size_t bytes) {
  if (bytes == 0) return nullptr;
  spoil_capture();  // a block handed out during a capture could be reused while the graph still runs
  const size_t cls = block_bytes(bytes);
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_free.find(cls);
  if (it != g_free.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    g_stats.cached_bytes -= cls;
    g_stats.in_use_bytes += cls;
    ++g_stats.hits;
    return p;
  }
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, cls);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    cudaStreamSynchronize(stream());
    release_cached();
    err = cudaMalloc(&p, cls);
  }
  if (err != cudaSuccess) {
    cudaGetLastError();
    size_t freeB = 0, totalB = 0;
    cudaMemGetInfo(&freeB, &totalB);
    const std::string msg = "out of GPU memory: could not allocate " + std::to_string(cls) + " bytes (" +
                            describe_error(err) + "); " + std::to_string(g_stats.in_use_bytes) +
                            " bytes are in use by myelin tensors, " + std::to_string(freeB) + " of " +
                            std::to_string(totalB) + " bytes are free on the device";
    throw coded_error(env, msg, err == cudaErrorMemoryAllocation ? kOomCode : kCudaCode);
  }
  ++g_stats.malloc_calls;
  g_stats.in_use_bytes += cls;
  return p;
}

void device_free(void* ptr, size_t bytes) {
  if (ptr == nullptr) return;
  const size_t cls = block_bytes(bytes);
  std::lock_guard<std::mutex> lock(g_mu);
  g_free[cls].push_back(ptr);
  g_stats.in_use_bytes -= cls;
  g_stats.cached_bytes += cls;
}

void empty_cache() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (ready()) cudaStreamSynchronize(stream());
  release_cached();
}

AllocatorStats allocator_stats() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_stats;
}

}  // namespace cuda
}  // namespace myelin
