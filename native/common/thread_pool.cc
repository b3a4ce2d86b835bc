#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace myelin {

namespace {

thread_local bool t_in_pool = false;  // nested calls (from inside a task) run serially

class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Returns false (and does nothing) when another caller is using the pool.
  bool run(int tasks, const std::function<void(int)>& fn) {
    std::unique_lock<std::mutex> busy(submit_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = &fn;
      tasks_ = tasks;
      next_.store(0);
      done_ = 0;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lock(mu_);
    finished_.wait(lock, [&] { return done_ == tasks_; });
    fn_ = nullptr;
    return true;
  }

 private:
  void work() {
    t_in_pool = true;
    int finished = 0;
    for (int t; (t = next_.fetch_add(1)) < tasks_;) {
      (*fn_)(t);
      ++finished;
    }
    t_in_pool = false;
    if (finished > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      done_ += finished;
      if (done_ == tasks_) finished_.notify_all();
    }
  }
  void loop() {
    unsigned long seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      work();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex submit_, mu_;
  std::condition_variable wake_, finished_;
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0, done_ = 0;
  std::atomic<int> next_{0};
  unsigned long generation_ = 0;
  bool stop_ = false;
};

std::mutex g_config;
Pool* g_pool = nullptr;  // never destroyed at exit: idle workers must not delay process shutdown
std::atomic<int> g_threads{0};

Pool* pool() {
  std::lock_guard<std::mutex> lock(g_config);
  if (g_pool == nullptr) {
    int n = g_threads.load();
    if (n <= 0) n = hardware_threads();
    g_pool = new Pool(n);
    g_threads.store(n);
  }
  return g_pool;
}

}  // namespace

int hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

void set_num_threads(int n) {
  if (n <= 0) n = hardware_threads();
  n = std::min(n, std::max(hardware_threads(), 1) * 4);
  std::lock_guard<std::mutex> lock(g_config);
  if (g_pool != nullptr && g_pool->size() == n) return;
  delete g_pool;  // joins the idle workers
  g_pool = new Pool(n);
  g_threads.store(n);
}

int num_threads() {
  const int n = g_threads.load();
  return n > 0 ? n : pool()->size();
}

void run_tasks(int tasks, const std::function<void(int)>& fn) {
  Pool* p = tasks > 1 && !t_in_pool ? pool() : nullptr;
  if (p != nullptr && p->run(tasks, fn)) return;
  for (int t = 0; t < tasks; ++t) fn(t);
}

}  // namespace myelin
