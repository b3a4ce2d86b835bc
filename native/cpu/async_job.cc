#include "async_job.h"

#include "../common/args.h"

#include <exception>
#include <string>
#include <utility>

namespace myelin {

namespace {

class StepWorker final : public Napi::AsyncWorker {
 public:
  StepWorker(Napi::Env env, std::unique_ptr<StepJob> job, const std::vector<napi_value>& keep)
      : Napi::AsyncWorker(env, "myelin:steps"), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {
    refs_.reserve(keep.size());
    for (napi_value v : keep) {
      const Napi::Value value(env, v);
      if (value.IsObject() || value.IsExternal()) refs_.push_back(Napi::Persistent(value));
    }
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      done_ = job_->run();
    } catch (const std::exception& e) {
      SetError(std::string("native training job failed: ") + e.what());
    } catch (...) {
      SetError("native training job failed with an unknown exception");
    }
  }

  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(done_))); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<StepJob> job_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
  size_t done_ = 0;
};

}  // namespace

const int32_t* control_word(const Args& args, size_t i) {
  const I32 control = args.i32(i, "control");
  if (control.len < 1) args.rangeError("argument 'control' must hold at least one element");
  return control.data;
}

std::vector<napi_value> arguments_of(const Napi::CallbackInfo& info) {
  std::vector<napi_value> values(info.Length());
  for (size_t i = 0; i < info.Length(); ++i) values[i] = info[i];
  return values;
}

Napi::Value run_async(Napi::Env env, std::unique_ptr<StepJob> job, const std::vector<napi_value>& keep) {
  auto* worker = new StepWorker(env, std::move(job), keep);  // deletes itself once settled
  const Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace myelin
