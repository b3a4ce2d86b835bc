// A tiny fixed thread pool. The calling thread works too; a call made while the pool is busy (another
// Node worker thread, or a nested call) simply runs serially. Kernels below kParallelMin elements stay on
// the calling thread: waking workers costs 10-30 microseconds (measured on a 2-core VM: a relu gradient
// over 65536 floats took 7.5 us on one thread and 17.7 us split over two), while one thread streams a
// simple elementwise op at several floats per nanosecond. Kernels with more work per element than a
// streaming op (optimizer steps) pass a smaller grain.
#pragma once

#include <cstddef>
#include <functional>

namespace myelin {

constexpr size_t kParallelMin = size_t{1} << 18;

// Sets the number of threads (callers included) used by the pool; 0 means every available core.
void set_num_threads(int n);
int num_threads();
int hardware_threads();

// Runs fn(t) for t in [0, tasks) over the pool and returns when all are done.
void run_tasks(int tasks, const std::function<void(int)>& fn);

// Splits [0, n) into at most num_threads() chunks of at least `grain` items and runs fn(begin, end)
// on each; a single chunk runs inline with no pool overhead.
template <class F>
void parallel_for(size_t n, size_t grain, F&& fn) {
  size_t chunks = grain == 0 ? 1 : n / grain;
  const size_t threads = static_cast<size_t>(num_threads());
  if (chunks > threads) chunks = threads;
  if (chunks <= 1) {
    if (n > 0) fn(size_t{0}, n);
    return;
  }
  const size_t per = (n + chunks - 1) / chunks;
  run_tasks(static_cast<int>(chunks), [&](int t) {
    const size_t b = per * static_cast<size_t>(t);
    const size_t e = b + per < n ? b + per : n;
    if (b < e) fn(b, e);
  });
}

}  // namespace myelin
