// Work that runs off the JavaScript thread: a job prepared on the JS thread (every argument converted and checked
// there, as a live call does) runs on a worker of libuv's thread pool, and a Promise settles with the number of
// steps it finished. The job holds raw pointers into JS typed arrays; `run_async` keeps those arrays alive (a
// reference to each) until the Promise settles. A job stops between two steps once the JS side writes a non-zero
// value into its control word (Int32Array `control`, element 0): that is how an AbortSignal reaches native code.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace myelin {

// A unit of off-thread work made of steps (training steps, inference batches).
class StepJob {
 public:
  virtual ~StepJob() = default;
  // Runs the steps in order until all are done or a stop is asked for between two of them; returns how many
  // finished. Called once, on a worker thread: it must not touch napi.
  virtual size_t run() = 0;
  // The control word polled between steps (nullptr: never stop early).
  void set_control(const int32_t* control) { control_ = control; }

 protected:
  // True once the JS side asked the job to stop (control[0] != 0).
  bool stop_requested() const { return control_ != nullptr && __atomic_load_n(control_, __ATOMIC_ACQUIRE) != 0; }

 private:
  const int32_t* control_ = nullptr;
};

// Queues `job` on libuv's thread pool and returns a Promise of the number of steps it finished. `keep` lists the
// JS values (typed arrays, arrays, program handles) whose memory the job uses; each is referenced until the
// Promise settles. A std::exception thrown by the job rejects the Promise with an Error carrying its message.
Napi::Value run_async(Napi::Env env, std::unique_ptr<StepJob> job, const std::vector<napi_value>& keep);

}  // namespace myelin

namespace myelin {

class Args;
// The control word of an async entry: argument i, an Int32Array of at least one element (TypeError/RangeError
// naming the entry otherwise).
const int32_t* control_word(const Args& args, size_t i);
// Every argument of the call, for run_async's `keep`.
std::vector<napi_value> arguments_of(const Napi::CallbackInfo& info);

}  // namespace myelin
