// init(options): sets the thread cap, loads the BLAS library and reports what the CPU flavour uses.
#include <fstream>
#include <string>

#include "../common/args.h"
#include "../common/exports.h"
#include "../common/thread_pool.h"
#include "cpu.h"

namespace myelin {

namespace {

// The processor's marketing name from /proc/cpuinfo ("model name", or "Model"/"Hardware" on ARM).
std::string processor_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    if (key == "model name" || key == "Model" || key == "Hardware") {
      const auto start = line.find_first_not_of(" \t", colon + 1);
      if (start != std::string::npos) return line.substr(start);
    }
  }
  return "unknown CPU";
}

}  // namespace

// init({ blas?: string, threads?: number }) -> NativeCpuInfo
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string request;
  int threads = 0;
  if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "init: argument 'options' must be an object");
    Napi::Object opts = info[0].As<Napi::Object>();
    Napi::Value b = opts.Get("blas"), t = opts.Get("threads");
    if (!b.IsUndefined()) {
      if (!b.IsString()) throw Napi::TypeError::New(env, "init: option 'blas' must be a string (a path or 'builtin')");
      request = b.As<Napi::String>().Utf8Value();
    }
    if (!t.IsUndefined()) {
      const double v = t.IsNumber() ? t.As<Napi::Number>().DoubleValue() : -1;
      if (!(v >= 1 && v <= 1024) || v != static_cast<int>(v)) {
        throw Napi::RangeError::New(env, "init: option 'threads' must be an integer in [1, 1024]");
      }
      threads = static_cast<int>(v);
    }
  }
  if (threads > hardware_threads()) threads = hardware_threads();
  set_num_threads(threads);
  std::string error;
  if (!load_blas(request, num_threads(), &error)) throw Napi::Error::New(env, "init: " + error);

  const BlasLibrary& lib = blas();
  Napi::Object result = Napi::Object::New(env);
  result.Set("flavour", "cpu");
  result.Set("device", processor_name());
  result.Set("threads", num_threads());
  result.Set("simd", simd_level());
  Napi::Object blasInfo = Napi::Object::New(env);
  blasInfo.Set("library", lib.library);
  blasInfo.Set("path", lib.path.empty() ? env.Null() : Napi::String::New(env, lib.path));
  result.Set("blas", blasInfo);
  Napi::Array tried = Napi::Array::New(env, lib.tried.size());
  for (size_t i = 0; i < lib.tried.size(); ++i) tried.Set(static_cast<uint32_t>(i), lib.tried[i]);
  result.Set("tried", tried);
  return result;
}

}  // namespace myelin
