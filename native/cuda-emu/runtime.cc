// The CUDA runtime calls of the cuda flavour, on the host (see include/cuda_runtime_api.h).
//
// Memory: device memory is host memory, filled with NaN bytes when allocated (cudaMalloc does not zero, so a
// kernel that reads memory nobody wrote gives NaN, not a lucky 0). Every block ends right before an
// inaccessible guard page (or starts right after one with MYELIN_CUDA_EMU_GUARD=front), so a kernel that runs
// past the end (or the start) of a buffer stops the process with SIGSEGV, reported by threads.cc with the
// kernel's name. The emulator's allocator hands out blocks of exactly the requested size for this, so block
// starts are only 4-byte aligned, which the emulator's float4 (a plain struct) does not mind. One device of
// kDeviceBytes; asking for more fails with cudaErrorMemoryAllocation.
//
// Work runs when it is enqueued; while a stream is captured it is recorded instead, and a graph launch runs the
// recorded work, with the pointers and values of the capture. Waiting on a stream under capture invalidates
// the capture, as on a GPU. MYELIN_CUDA_EMU_ASYNC=1 defers the work instead, as a GPU runs it later: it runs at a
// synchronization (cudaStreamSynchronize, cudaDeviceSynchronize, cudaFree, cudaFreeHost, a copy to pageable
// host memory) or when more than kMaxPending pieces wait, and an event is done only once the work before it
// has run. Host code that reuses pinned memory a queued copy still reads, or reads results without waiting,
// then gets wrong values. As cudaMemcpyAsync does, a copy from pageable host memory takes its bytes when it is
// enqueued and a copy to pageable host memory completes before it returns; copies from and to pinned memory
// (cudaHostAlloc) are deferred.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cuda_profiler_api.h"
#include "cuda_runtime.h"

struct CUstream_st {
  int unused;
};
struct CUevent_st {
  unsigned long long after = 0;  // done once this many pieces of work have run
};
struct CUgraph_st {
  std::vector<std::function<void()>> work;
};
struct CUgraphExec_st {
  std::vector<std::function<void()>> work;
};

namespace {

constexpr size_t kDeviceBytes = size_t(8) << 30;
constexpr size_t kAlignment = 256;  // of the mapping's data part, as cudaMalloc's

std::mutex g_mu;
struct Mapping {
  void* base;
  size_t mapped;  // bytes mapped, guard page included
  size_t bytes;   // bytes asked for
};
std::unordered_map<void*, Mapping> g_device_blocks;  // block pointer -> its mapping
size_t g_device_used = 0;
cudaError_t g_last_error = cudaSuccess;
bool g_capturing = false;
bool g_capture_invalid = false;
std::vector<std::function<void()>> g_captured;
CUstream_st g_stream_storage[16];
int g_streams = 0;

constexpr size_t kMaxPending = 64;
std::deque<std::function<void()>> g_pending;   // deferred work (MYELIN_CUDA_EMU_ASYNC=1), oldest first
unsigned long long g_enqueued = 0, g_ran = 0;  // pieces of work enqueued and run outside captures
std::unordered_map<void*, size_t> g_pinned;    // cudaHostAlloc blocks -> bytes

bool deferring() {
  static const bool on = emu::env_is("MYELIN_CUDA_EMU_ASYNC", "1");
  return on;
}

// Runs the deferred work (the stream catches up).
void run_pending() {
  while (!g_pending.empty()) {
    std::function<void()> work = std::move(g_pending.front());
    g_pending.pop_front();
    work();
    ++g_ran;
  }
}

bool pinned(const void* p) {
  for (const auto& block : g_pinned) {
    const char* b = static_cast<const char*>(block.first);
    if (p >= b && p < b + block.second) return true;
  }
  return false;
}

// MYELIN_CUDA_EMU_GUARD=front puts the guard page before each block instead of after it (a kernel that reads
// or writes before the start of a buffer then stops).
bool guard_in_front() {
  static const bool on = emu::env_is("MYELIN_CUDA_EMU_GUARD", "front");
  return on;
}

cudaError_t fail(cudaError_t err) {
  g_last_error = err;
  return err;
}

}  // namespace

namespace emu {

bool env_is(const char* name, const char* value) {
  const char* v = std::getenv(name);
  return v != nullptr && std::strcmp(v, value) == 0;
}

void set_launch_error(cudaError_t err) { g_last_error = err; }

// MYELIN_CUDA_EMU_TRACE=1 prints every piece of work as it runs to stderr ("kernel name", "memcpy", "memset",
// and "graph launch: n nodes" before a graph's work), so that a training step's kernels can be counted.
bool tracing() {
  static const bool on = env_is("MYELIN_CUDA_EMU_TRACE", "1");
  return on;
}

void enqueue(cudaStream_t, const char* what, std::function<void()> work) {
  if (tracing() && what != nullptr) {  // nullptr: a graph's work, named when it was captured
    const std::string name = what;
    std::function<void()> traced = [name, inner = std::move(work)]() {
      std::fprintf(stderr, "cuda-emu: %s\n", name.c_str());
      inner();
    };
    work = std::move(traced);
  }
  if (g_capturing) {
    g_captured.push_back(std::move(work));
    return;
  }
  ++g_enqueued;
  if (!deferring()) {
    work();
    ++g_ran;
    return;
  }
  g_pending.push_back(std::move(work));
  if (g_pending.size() > kMaxPending) run_pending();
}

}  // namespace emu

cudaError_t cudaGetLastError() {
  const cudaError_t err = g_last_error;
  g_last_error = cudaSuccess;
  return err;
}
cudaError_t cudaPeekAtLastError() { return g_last_error; }

namespace {

// The errors the emulator returns, with CUDA's names and messages for them.
struct ErrorText {
  cudaError_t code;
  const char* name;
  const char* text;
};
constexpr ErrorText kErrors[] = {
    {cudaSuccess, "cudaSuccess", "no error"},
    {cudaErrorInvalidValue, "cudaErrorInvalidValue", "invalid argument"},
    {cudaErrorMemoryAllocation, "cudaErrorMemoryAllocation", "out of memory"},
    {cudaErrorInvalidConfiguration, "cudaErrorInvalidConfiguration", "invalid configuration argument"},
    {cudaErrorNoDevice, "cudaErrorNoDevice", "no CUDA-capable device is detected"},
    {cudaErrorInvalidResourceHandle, "cudaErrorInvalidResourceHandle", "invalid resource handle"},
    {cudaErrorNotReady, "cudaErrorNotReady", "device not ready"},
    {cudaErrorLaunchFailure, "cudaErrorLaunchFailure", "unspecified launch failure"},
    {cudaErrorStreamCaptureUnsupported, "cudaErrorStreamCaptureUnsupported",
     "operation not permitted when stream is capturing"},
    {cudaErrorStreamCaptureInvalidated, "cudaErrorStreamCaptureInvalidated",
     "operation failed due to a previous error during capture"},
};

const ErrorText* error_text(cudaError_t err) {
  for (const ErrorText& e : kErrors)
    if (e.code == err) return &e;
  return nullptr;
}

}  // namespace

const char* cudaGetErrorName(cudaError_t err) {
  const ErrorText* e = error_text(err);
  return e != nullptr ? e->name : "cudaErrorUnknown";
}
const char* cudaGetErrorString(cudaError_t err) {
  const ErrorText* e = error_text(err);
  return e != nullptr ? e->text : "unknown error";
}

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return fail(cudaErrorInvalidValue);
  std::memset(prop, 0, sizeof(*prop));
  std::strncpy(prop->name, "myelin CUDA emulator (host)", sizeof(prop->name) - 1);
  prop->totalGlobalMem = kDeviceBytes;
  prop->major = 9;  // an H100's compute capability and multiprocessor count, so grids are sized as there
  prop->minor = 0;
  prop->multiProcessorCount = emu::kMultiprocessors;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : fail(cudaErrorInvalidValue); }
cudaError_t cudaRuntimeGetVersion(int* version) {
  *version = 13000;
  return cudaSuccess;
}
cudaError_t cudaDriverGetVersion(int* version) {
  *version = 13000;
  return cudaSuccess;
}
cudaError_t cudaDeviceSynchronize() {
  run_pending();
  return cudaSuccess;
}

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  *ptr = nullptr;
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_capturing) g_capture_invalid = true;
  if (bytes > kDeviceBytes - g_device_used) return fail(cudaErrorMemoryAllocation);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  const size_t data_pages = (rounded + page - 1) / page;
  const size_t mapped = (data_pages + 1) * page;
  void* base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return fail(cudaErrorMemoryAllocation);
  char* p;
  if (guard_in_front()) {  // the block starts right after the guard page
    mprotect(base, page, PROT_NONE);
    p = static_cast<char*>(base) + page;
  } else {  // the block ends right before the guard page
    char* guard = static_cast<char*>(base) + data_pages * page;
    mprotect(guard, page, PROT_NONE);
    p = guard - bytes;
  }
  std::memset(p, 0xff, bytes);  // NaN floats
  g_device_blocks[p] = Mapping{base, mapped, bytes};
  g_device_used += bytes;
  *ptr = p;
  return cudaSuccess;
}
cudaError_t cudaFree(void* ptr) {
  if (ptr == nullptr) return cudaSuccess;
  std::lock_guard<std::mutex> lock(g_mu);
  run_pending();  // cudaFree waits for the device
  auto it = g_device_blocks.find(ptr);
  if (it == g_device_blocks.end()) return fail(cudaErrorInvalidValue);
  g_device_used -= it->second.bytes;
  munmap(it->second.base, it->second.mapped);
  g_device_blocks.erase(it);
  return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free, size_t* total) {
  std::lock_guard<std::mutex> lock(g_mu);
  *free = kDeviceBytes - g_device_used;
  *total = kDeviceBytes;
  return cudaSuccess;
}
cudaError_t cudaHostAlloc(void** ptr, size_t bytes, unsigned int) {
  *ptr = std::malloc(bytes > 0 ? bytes : 1);
  if (*ptr == nullptr) return fail(cudaErrorMemoryAllocation);
  g_pinned[*ptr] = bytes;
  return cudaSuccess;
}
cudaError_t cudaFreeHost(void* ptr) {
  run_pending();  // cudaFreeHost waits for the device
  g_pinned.erase(ptr);
  std::free(ptr);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
  if (kind == cudaMemcpyHostToDevice && !pinned(src) && (deferring() || g_capturing)) {
    // Pageable source of a copy that runs later: its bytes are taken now (the caller may change them as soon
    // as this returns).
    auto copy =
        std::make_shared<std::vector<char>>(static_cast<const char*>(src), static_cast<const char*>(src) + bytes);
    emu::enqueue(stream, "memcpy", [dst, copy]() { std::memcpy(dst, copy->data(), copy->size()); });
    return cudaSuccess;
  }
  emu::enqueue(stream, "memcpy", [dst, src, bytes]() { std::memmove(dst, src, bytes); });
  if (kind == cudaMemcpyDeviceToHost && !pinned(dst) && !g_capturing) run_pending();  // pageable destination
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream) {
  emu::enqueue(stream, "memset", [dst, value, bytes]() { std::memset(dst, value, bytes); });
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int) {
  if (g_streams == 16) return fail(cudaErrorMemoryAllocation);
  *stream = &g_stream_storage[g_streams++];
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) {
  if (g_capturing) {
    g_capture_invalid = true;
    return fail(cudaErrorStreamCaptureUnsupported);
  }
  run_pending();
  return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int) {
  *event = new CUevent_st{};
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t) {
  event->after = g_enqueued;
  return cudaSuccess;
}
// Each query of an event not yet reached runs one piece of deferred work: the emulated device makes progress
// while the host polls (MYELIN_CUDA_EMU_ASYNC=1), as a GPU would.
cudaError_t cudaEventQuery(cudaEvent_t event) {
  if (g_ran < event->after && !g_pending.empty()) {
    std::function<void()> work = std::move(g_pending.front());
    g_pending.pop_front();
    work();
    ++g_ran;
  }
  return g_ran >= event->after ? cudaSuccess : cudaErrorNotReady;
}
cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

cudaError_t cudaStreamBeginCapture(cudaStream_t, cudaStreamCaptureMode) {
  if (g_capturing) return fail(cudaErrorStreamCaptureUnsupported);
  g_capturing = true;
  g_capture_invalid = false;
  g_captured.clear();
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t, cudaGraph_t* graph) {
  *graph = nullptr;
  if (!g_capturing) return fail(cudaErrorInvalidValue);
  g_capturing = false;
  std::vector<std::function<void()>> work;
  work.swap(g_captured);
  if (g_capture_invalid) return fail(cudaErrorStreamCaptureInvalidated);
  *graph = new CUgraph_st{std::move(work)};
  return cudaSuccess;
}
cudaError_t cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t* nodes, size_t* count) {
  if (graph == nullptr || nodes != nullptr) return fail(cudaErrorInvalidValue);
  *count = graph->work.size();
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  if (graph == nullptr) return fail(cudaErrorInvalidValue);
  *exec = new CUgraphExec_st{graph->work};
  return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (exec == nullptr) return fail(cudaErrorInvalidResourceHandle);
  if (emu::tracing() && !g_capturing) {
    const size_t nodes = exec->work.size();
    emu::enqueue(stream, nullptr, [nodes]() { std::fprintf(stderr, "cuda-emu: graph launch: %zu nodes\n", nodes); });
  }
  for (const auto& w : exec->work) emu::enqueue(stream, nullptr, w);  // recorded again when captured
  return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}

cudaError_t cudaProfilerStart() { return cudaSuccess; }
cudaError_t cudaProfilerStop() { return cudaSuccess; }
