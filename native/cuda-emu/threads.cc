// The CUDA threads of the host emulator: a launch runs its blocks one after another, and the threads of a
// block as fibers on the calling thread. A fiber runs until it returns or waits at a barrier (__syncthreads
// for the block, a warp shuffle for its warp); a barrier opens once every thread it waits for that has not
// returned is there. A block whose live threads all wait at barriers that cannot open is reported and aborts
// the process, as a hung kernel would never return either.
// Between barriers the fibers run one after another, in thread order, or in reverse thread order with
// MYELIN_CUDA_EMU_ORDER=reverse: a read of another thread's write that lacks a barrier gets the stale value in
// one of the two orders, so running a suite in both finds it.
// A fiber starts on its own stack through makecontext / setcontext; every later switch is _setjmp / _longjmp,
// which do not save the signal mask (no system call per switch).
#undef _FORTIFY_SOURCE  // its longjmp check refuses jumps between stacks
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "cuda_runtime.h"

namespace emu {

namespace {

enum class Wait { none, block, warp, done };

struct Fiber {
  jmp_buf resume;  // where a waiting fiber continues
  bool started = false;
  ThreadState state;
  Wait wait = Wait::none;
};

constexpr size_t kStackBytes = 64 * 1024;

struct Block {
  std::vector<Fiber> fibers;
  std::vector<uint64_t> lanes;  // the values of a warp exchange, by linear thread index
};

// Fiber stacks, kept from launch to launch.
thread_local std::vector<std::unique_ptr<char[]>> g_stacks;

thread_local Block* g_block = nullptr;
thread_local Fiber* g_fiber = nullptr;
thread_local jmp_buf g_scheduler;
thread_local const std::function<void()>* g_body = nullptr;

[[noreturn]] void fiber_main() {
  (*g_body)();
  g_fiber->wait = Wait::done;
  _longjmp(g_scheduler, 1);
}

// Runs fiber i of the block until it returns or waits.
void resume(Fiber& f, size_t i) {
  g_fiber = &f;
  if (_setjmp(g_scheduler) != 0) return;
  if (f.started) _longjmp(f.resume, 1);
  f.started = true;
  static thread_local ucontext_t blank;
  static thread_local bool have_blank = false;
  if (!have_blank) {
    getcontext(&blank);
    have_blank = true;
  }
  ucontext_t start = blank;
  start.uc_stack.ss_sp = g_stacks[i].get();
  start.uc_stack.ss_size = kStackBytes;
  start.uc_link = nullptr;
  makecontext(&start, fiber_main, 0);
  setcontext(&start);
}

size_t linear(const Fiber& f) {
  const ThreadState& s = f.state;
  return s.thread.x + size_t(s.block_dim.x) * (s.thread.y + size_t(s.block_dim.y) * s.thread.z);
}

void wait_at(Wait w) {
  Fiber* self = g_fiber;
  self->wait = w;
  if (_setjmp(self->resume) == 0) _longjmp(g_scheduler, 1);
}

// Opens the barriers whose threads are all there; false when none could open.
bool release(Block& b) {
  const size_t n = b.fibers.size();
  bool opened = false;
  for (size_t w0 = 0; w0 < n; w0 += 32) {
    const size_t w1 = w0 + 32 < n ? w0 + 32 : n;
    bool any = false, all = true;
    for (size_t i = w0; i < w1; ++i) {
      const Wait w = b.fibers[i].wait;
      if (w == Wait::warp)
        any = true;
      else if (w != Wait::done)
        all = false;
    }
    if (any && all) {
      for (size_t i = w0; i < w1; ++i)
        if (b.fibers[i].wait == Wait::warp) b.fibers[i].wait = Wait::none;
      opened = true;
    }
  }
  if (opened) return true;
  bool any = false;
  for (const Fiber& f : b.fibers) {
    if (f.wait == Wait::block)
      any = true;
    else if (f.wait != Wait::done)
      return false;
  }
  if (!any) return false;
  for (Fiber& f : b.fibers)
    if (f.wait == Wait::block) f.wait = Wait::none;
  return true;
}

}  // namespace

const ThreadState& current() { return g_fiber->state; }

void sync_block() { wait_at(Wait::block); }

uint64_t exchange_xor(uint64_t mine, int mask) {
  Block& b = *g_block;
  const size_t me = linear(*g_fiber);
  b.lanes[me] = mine;
  wait_at(Wait::warp);
  const size_t partner = (me & ~size_t(31)) | ((me & 31) ^ static_cast<size_t>(mask & 31));
  const uint64_t got = partner < b.fibers.size() ? b.lanes[partner] : mine;
  wait_at(Wait::warp);  // every lane has read before any lane writes its next value
  return got;
}

bool valid_launch(dim3 grid, dim3 block, size_t shared_bytes) {
  const unsigned long long threads = 1ull * block.x * block.y * block.z;
  const bool ok = grid.x >= 1 && grid.y >= 1 && grid.z >= 1 && grid.x <= 2147483647u && grid.y <= 65535u &&
                  grid.z <= 65535u && threads >= 1 && threads <= 1024 && block.z <= 64 && shared_bytes <= 48 * 1024;
  if (!ok) {
    std::fprintf(stderr, "cuda emulator: invalid launch grid (%u, %u, %u) block (%u, %u, %u) shared %zu\n", grid.x,
                 grid.y, grid.z, block.x, block.y, block.z, shared_bytes);
    set_launch_error(cudaErrorInvalidConfiguration);
  }
  return ok;
}

namespace {

thread_local const char* g_kernel = nullptr;  // the kernel that runs now, if any
struct sigaction g_previous_segv;

// SIGSEGV inside a kernel: a read or write outside every device buffer (onto the guard page that follows each
// block, or precedes it with MYELIN_CUDA_EMU_GUARD=front). Names the kernel, block and thread, then lets the signal
// take its default course; a fault outside a kernel goes to the handler that was there before (V8 has one for
// WebAssembly).
void on_segv(int sig, siginfo_t* info, void* context) {
  if (g_kernel != nullptr && g_fiber != nullptr) {
    const ThreadState& t = g_fiber->state;
    std::fprintf(stderr,
                 "cuda emulator: kernel %s, block (%u, %u, %u), thread (%u, %u, %u) accessed %p, outside every device "
                 "buffer\n",
                 g_kernel, t.block.x, t.block.y, t.block.z, t.thread.x, t.thread.y, t.thread.z, info->si_addr);
    signal(SIGSEGV, SIG_DFL);
    return;  // the access runs again and stops the process
  }
  if (g_previous_segv.sa_flags & SA_SIGINFO) {
    if (g_previous_segv.sa_sigaction != nullptr) return g_previous_segv.sa_sigaction(sig, info, context);
  } else if (g_previous_segv.sa_handler != SIG_DFL && g_previous_segv.sa_handler != SIG_IGN) {
    return g_previous_segv.sa_handler(sig);
  }
  signal(SIGSEGV, SIG_DFL);
}

void install_segv_report() {
  struct sigaction action {};
  action.sa_sigaction = on_segv;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &g_previous_segv);
}

}  // namespace

void run_grid(const char* name, dim3 grid, dim3 block_dim, const std::function<void()>& thread) {
  static const bool installed = (install_segv_report(), true);
  (void)installed;
  g_kernel = name;
  static const bool reverse = env_is("MYELIN_CUDA_EMU_ORDER", "reverse");
  const size_t n = size_t(block_dim.x) * block_dim.y * block_dim.z;
  Block b;
  b.fibers.resize(n);
  b.lanes.assign(n, 0);
  while (g_stacks.size() < n) g_stacks.emplace_back(new char[kStackBytes]);
  g_block = &b;
  g_body = &thread;
  const bool timed = profiling();
  using Clock = std::chrono::steady_clock;
  const Clock::time_point launch_start = timed ? Clock::now() : Clock::time_point{};
  double slowest_block_ns = 0;
  for (unsigned bz = 0; bz < grid.z; ++bz) {
    for (unsigned by = 0; by < grid.y; ++by) {
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        const Clock::time_point block_start = timed ? Clock::now() : Clock::time_point{};
        size_t i = 0;
        for (unsigned tz = 0; tz < block_dim.z; ++tz) {
          for (unsigned ty = 0; ty < block_dim.y; ++ty) {
            for (unsigned tx = 0; tx < block_dim.x; ++tx, ++i) {
              Fiber& f = b.fibers[i];
              f.state = ThreadState{uint3{tx, ty, tz}, uint3{bx, by, bz}, block_dim, grid};
              f.wait = Wait::none;
              f.started = false;
            }
          }
        }
        for (;;) {
          bool live = false;
          for (size_t step = 0; step < n; ++step) {
            const size_t j = reverse ? n - 1 - step : step;
            if (b.fibers[j].wait == Wait::none) resume(b.fibers[j], j);
          }
          for (const Fiber& f : b.fibers) live = live || f.wait != Wait::done;
          if (!live) break;
          if (!release(b)) {
            std::fprintf(stderr,
                         "cuda emulator: block (%u, %u, %u) of a (%u, %u, %u) x (%u, %u, %u) launch is stuck: its live "
                         "threads wait at barriers that the other threads never reach\n",
                         bx, by, bz, grid.x, grid.y, grid.z, block_dim.x, block_dim.y, block_dim.z);
            std::abort();
          }
        }
        if (timed)
          slowest_block_ns =
              std::max(slowest_block_ns, std::chrono::duration<double, std::nano>(Clock::now() - block_start).count());
      }
    }
  }
  if (timed)
    record_launch(name, grid, block_dim, std::chrono::duration<double, std::nano>(Clock::now() - launch_start).count(),
                  slowest_block_ns);
  // No kernel runs now (kernels launch no kernels, so launches never nest).
  g_block = nullptr;
  g_fiber = nullptr;
  g_body = nullptr;
  g_kernel = nullptr;
}

}  // namespace emu
