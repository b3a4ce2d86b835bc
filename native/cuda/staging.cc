// Host -> device copies that never let the device read host memory JavaScript may change afterwards: the
// bytes are first copied into a pinned staging block, the block's copy is enqueued on the stream and an
// event marks when the device has read it. A block is reused once its event has completed. Copies larger
// than kMaxStaged (and any copy when pinned memory cannot be had) go straight from the caller's memory and
// the host waits for them.
#include <cstring>
#include <vector>

#include "cuda.h"

namespace myelin {
namespace cuda {

namespace {

constexpr size_t kMaxStaged = size_t(64) << 20;   // larger copies are synchronous
constexpr size_t kMaxPinned = size_t(256) << 20;  // total pinned staging memory

struct Block {
  void* host;
  size_t bytes;
  cudaEvent_t done;
  bool pending;
};
std::vector<Block> g_blocks;
size_t g_pinned = 0;

// A staging block of at least `bytes` whose previous copy has finished, or nullptr.
Block* find_block(size_t bytes) {
  Block* best = nullptr;
  for (Block& b : g_blocks) {
    if (b.bytes < bytes) continue;
    if (b.pending) {
      if (cudaEventQuery(b.done) != cudaSuccess) continue;
      b.pending = false;
    }
    if (best == nullptr || b.bytes < best->bytes) best = &b;
  }
  cudaGetLastError();  // cudaEventQuery's cudaErrorNotReady is not an error
  return best;
}

Block* new_block(size_t bytes) {
  size_t cap = 4096;
  while (cap < bytes) cap <<= 1;
  if (g_pinned + cap > kMaxPinned) {
    // Over budget: wait for the stream, then give back the blocks that are too small.
    cudaStreamSynchronize(stream());
    for (auto it = g_blocks.begin(); it != g_blocks.end();) {
      it->pending = false;
      if (it->bytes < bytes) {
        cudaFreeHost(it->host);
        cudaEventDestroy(it->done);
        g_pinned -= it->bytes;
        it = g_blocks.erase(it);
      } else {
        ++it;
      }
    }
    if (Block* b = find_block(bytes)) return b;
    if (g_pinned + cap > kMaxPinned) return nullptr;
  }
  Block b{nullptr, cap, nullptr, false};
  if (cudaHostAlloc(&b.host, cap, cudaHostAllocDefault) != cudaSuccess) {
    cudaGetLastError();
    return nullptr;
  }
  if (cudaEventCreateWithFlags(&b.done, cudaEventDisableTiming) != cudaSuccess) {
    cudaGetLastError();
    cudaFreeHost(b.host);
    return nullptr;
  }
  g_pinned += cap;
  g_blocks.push_back(b);
  return &g_blocks.back();
}

}  // namespace

void upload_async(Napi::Env env, void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  spoil_capture();  // a graph would re-read the staging block later, after it was reused
  Block* b = nullptr;
  if (bytes <= kMaxStaged) {
    b = find_block(bytes);
    if (b == nullptr) b = new_block(bytes);
  }
  if (b == nullptr) {
    check(env, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()), "upload");
    check(env, cudaStreamSynchronize(stream()), "upload");
    return;
  }
  std::memcpy(b->host, src, bytes);
  check(env, cudaMemcpyAsync(dst, b->host, bytes, cudaMemcpyHostToDevice, stream()), "upload");
  check(env, cudaEventRecord(b->done, stream()), "upload");
  b->pending = true;
}

}  // namespace cuda
}  // namespace myelin
