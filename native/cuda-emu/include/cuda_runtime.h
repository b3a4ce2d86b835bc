// Device-side CUDA for the host emulator: the kernels of native/cuda/*.cu compile as C++ (after
// kernel-source.js turns each `kernel<<<grid, block, shared, stream>>>(args)` into emu::launch) and run on the
// host. Every CUDA thread of a block is a fiber; __syncthreads and warp shuffles switch between them, so code
// that needs a barrier it lacks, or reads a lane that never wrote, shows up as a wrong result or a reported
// deadlock instead of passing by luck. __shared__ variables become statics, shared by the fibers of the one
// block that runs at a time.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "cuda_runtime_api.h"

using std::isfinite;
using std::isinf;
using std::isnan;

#define __global__
#define __device__
#define __host__
#define __constant__
#define __shared__ static
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

namespace emu {

// The thread and block indices of the CUDA thread that runs now.
struct ThreadState {
  uint3 thread;
  uint3 block;
  dim3 block_dim;
  dim3 grid_dim;
};
const ThreadState& current();

// Waits for every thread of the block that has not returned (__syncthreads).
void sync_block();
// Exchanges 8-byte values between the lanes of the calling thread's warp: writes `mine` for this lane and
// returns the value lane `lane ^ mask` wrote (its own value when that lane does not exist).
uint64_t exchange_xor(uint64_t mine, int mask);

template <class T>
T shfl_xor(T value, int mask) {
  static_assert(sizeof(T) <= sizeof(uint64_t) && std::is_trivially_copyable<T>::value, "shuffle of an 8-byte value");
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  const uint64_t got = exchange_xor(bits, mask);
  T out;
  std::memcpy(&out, &got, sizeof(T));
  return out;
}

// True when the environment variable `name` is set to exactly `value` (the emulator's MYELIN_CUDA_EMU_* switches).
bool env_is(const char* name, const char* value);
// True when MYELIN_CUDA_EMU_TRACE=1 asks for every piece of work to be printed as it runs.
bool tracing();
// The emulated device's multiprocessors: an H100's, as cudaGetDeviceProperties reports them.
constexpr int kMultiprocessors = 132;
// True when MYELIN_CUDA_EMU_PROFILE=1 asks for the per-kernel spread table at exit (spread.cc).
bool profiling();
// Adds one launch to that table: its host time and the host time of its slowest block.
void record_launch(const char* name, dim3 grid, dim3 block, double launch_ns, double slowest_block_ns);
// Sets the error cudaGetLastError returns next (a refused launch).
void set_launch_error(cudaError_t err);
// false (and the last error set to cudaErrorInvalidConfiguration) when the launch configuration is one CUDA
// refuses.
bool valid_launch(dim3 grid, dim3 block, size_t shared_bytes);
// Runs `thread` once for every thread of the grid, block after block; `name` is the kernel's, for the report
// of a kernel that touches memory outside every buffer (SIGSEGV on a guard page).
void run_grid(const char* name, dim3 grid, dim3 block, const std::function<void()>& thread);
// Runs work now (later with MYELIN_CUDA_EMU_ASYNC=1), or records it when the stream is being captured into a
// graph. `what` names it for MYELIN_CUDA_EMU_TRACE (a kernel, "memcpy", "memset"; nullptr: already named).
void enqueue(cudaStream_t stream, const char* what, std::function<void()> work);

// kernel<<<grid, block, shared, stream>>>(args...): the arguments are converted to the kernel's parameter
// types and copied now, as a launch does.
template <class... P, class... A>
void launch(const char* name, dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, void (*kernel)(P...),
            A&&... args) {
  if (!valid_launch(grid, block, shared_bytes)) return;
  std::tuple<std::decay_t<P>...> bound(std::forward<A>(args)...);
  enqueue(stream, name,
          [name, grid, block, kernel, bound]() { run_grid(name, grid, block, [&]() { std::apply(kernel, bound); }); });
}

}  // namespace emu

#define threadIdx (::emu::current().thread)
#define blockIdx (::emu::current().block)
#define blockDim (::emu::current().block_dim)
#define gridDim (::emu::current().grid_dim)
#define __syncthreads() ::emu::sync_block()
#define __shfl_xor_sync(mask, value, lane_mask) ::emu::shfl_xor((value), (lane_mask))

inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float atomicAdd(float* address, float value) {
  const float old = *address;
  *address = old + value;
  return old;
}
inline unsigned int atomicAdd(unsigned int* address, unsigned int value) {
  const unsigned int old = *address;
  *address = old + value;
  return old;
}
inline void __threadfence() {}
