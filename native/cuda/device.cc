// Device discovery and init(options): finds a CUDA device, creates the one stream, opens cuBLAS and reports
// what the flavour uses. No device (cudaGetDeviceCount failing or returning 0), a device older than this
// build supports, or a kernel that cannot launch all give a JS exception with the reason, never an abort.
#include "../common/dynamic_library.h"

#include <string>

#include "../common/exports.h"
#include "cuda.h"
#include "kernels.h"

namespace myelin {
namespace cuda {

namespace {

bool g_ready = false;
cudaStream_t g_stream = nullptr;
int g_multiprocessors = 1;
void* g_kernel_scratch = nullptr;
int g_device = -1;
std::string g_reason = "no CUDA device: init() was not called";

// The oldest compute capability this build has code for (CMake: 80-real ... 90-virtual).
constexpr int kMinMajor = 8, kMinMinor = 0;

[[noreturn]] void no_device(Napi::Env env, const std::string& reason) {
  g_ready = false;
  g_reason = reason;
  throw coded_error(env, "init: " + reason, kNoDeviceCode);
}

// A hint for the most common failure: the NVIDIA driver library is not there at all.
std::string driver_hint() {
  if (library_present("libcuda.so.1")) return "";
  return " (the NVIDIA driver library libcuda.so.1 could not be opened: is a driver installed?)";
}

}  // namespace

Napi::Error coded_error(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

std::string describe_error(cudaError_t err) {
  return std::string(cudaGetErrorName(err)) + " (" + cudaGetErrorString(err) + ")";
}

void check(Napi::Env env, cudaError_t err, const char* what) {
  if (err != cudaSuccess) {
    cudaGetLastError();  // clear a non-sticky error so the next call starts clean
    throw coded_error(env, std::string(what) + ": CUDA error " + describe_error(err), kCudaCode);
  }
}

void check_launch(Napi::Env env, const char* what) { check(env, cudaGetLastError(), what); }

bool ready() { return g_ready; }

void require_ready(Napi::Env env, const char* fn) {
  if (!g_ready) throw coded_error(env, std::string(fn) + ": " + g_reason, kNoDeviceCode);
}

cudaStream_t stream() { return g_stream; }
int multiprocessors() { return g_multiprocessors; }
void* kernel_scratch() { return g_kernel_scratch; }

}  // namespace cuda

// init({ tf32?: boolean, cublas?: string, device?: number }) -> NativeCudaInfo
Napi::Value Init(const Napi::CallbackInfo& info) {
  using namespace cuda;
  Napi::Env env = info.Env();
  bool tf32 = false;
  std::string cublasRequest;
  int device = 0;
  if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "init: argument 'options' must be an object");
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value t = o.Get("tf32"), c = o.Get("cublas"), d = o.Get("device");
    if (!t.IsUndefined()) {
      if (!t.IsBoolean()) throw Napi::TypeError::New(env, "init: option 'tf32' must be a boolean");
      tf32 = t.As<Napi::Boolean>().Value();
    }
    if (!c.IsUndefined()) {
      if (!c.IsString())
        throw Napi::TypeError::New(env, "init: option 'cublas' must be a string (a path or 'builtin')");
      cublasRequest = c.As<Napi::String>().Utf8Value();
    }
    if (!d.IsUndefined()) {
      const double v = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : -1;
      if (!(v >= 0 && v <= 1024) || v != static_cast<int>(v)) {
        throw Napi::RangeError::New(env, "init: option 'device' must be an integer in [0, 1024]");
      }
      device = static_cast<int>(v);
    }
  }

  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    cudaGetLastError();
    no_device(env, "no CUDA device: cudaGetDeviceCount returned " + describe_error(err) + driver_hint());
  }
  if (count == 0) no_device(env, "no CUDA device: cudaGetDeviceCount returned 0 devices");
  if (device >= count) {
    no_device(env, "no CUDA device " + std::to_string(device) + ": only " + std::to_string(count) + " present");
  }
  if (g_ready && device != g_device) {
    throw Napi::Error::New(env, "init: the addon already runs on device " + std::to_string(g_device) +
                                    "; switching devices in one process is not supported");
  }
  cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    no_device(env, "cudaGetDeviceProperties failed for device " + std::to_string(device));
  }
  const std::string cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  if (prop.major < kMinMajor || (prop.major == kMinMajor && prop.minor < kMinMinor)) {
    no_device(env, std::string("the GPU ") + prop.name + " has compute capability " + cc +
                       "; this build of the cuda flavour needs 8.0 or newer");
  }
  if (!g_ready) {
    cudaError_t e = cudaSetDevice(device);
    if (e == cudaSuccess) e = cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking);
    if (e != cudaSuccess) {
      cudaGetLastError();
      no_device(env, "could not start the device " + std::string(prop.name) + ": " + describe_error(e));
    }
    g_device = device;
    g_multiprocessors = prop.multiProcessorCount > 0 ? prop.multiProcessorCount : 1;
    g_ready = true;
    // A probe launch: fails cleanly when the binary holds no code this GPU can run.
    void* probe = nullptr;
    try {
      probe = device_alloc(env, sizeof(float));
    } catch (...) {
      g_ready = false;
      throw;
    }
    launch_fill(g_stream, static_cast<float*>(probe), 1, 0.f);
    e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaStreamSynchronize(g_stream);
    device_free(probe, sizeof(float));
    if (e != cudaSuccess) {
      cudaGetLastError();
      no_device(env, "a test kernel did not run on " + std::string(prop.name) + " (compute capability " + cc +
                         "): " + describe_error(e));
    }
    // Kept for the life of the process, outside the caching allocator (memoryInfo counts tensors only). Without
    // it, long rows are reduced one block per row and the tiled GEMM never splits k.
    if (cudaMalloc(&g_kernel_scratch, kKernelScratchBytes) != cudaSuccess) {
      cudaGetLastError();
      g_kernel_scratch = nullptr;
    }
  }
  const CublasInfo& cb = cublas_init(cublasRequest, tf32);

  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  Napi::Object result = Napi::Object::New(env);
  result.Set("flavour", "cuda");
  result.Set("device", std::string(prop.name));
  result.Set("deviceIndex", device);
  result.Set("computeCapability", cc);
  result.Set("memoryBytes", static_cast<double>(prop.totalGlobalMem));
  result.Set("multiprocessors", prop.multiProcessorCount);
  result.Set("runtimeVersion", runtime);
  result.Set("driverVersion", driver);
  Napi::Object cublas = Napi::Object::New(env);
  cublas.Set("loaded", cb.loaded);
  cublas.Set("path", cb.loaded ? Napi::String::New(env, cb.path) : env.Null());
  cublas.Set("version", cb.version > 0 ? Napi::Number::New(env, cb.version) : env.Null());
  Napi::Array tried = Napi::Array::New(env, cb.tried.size());
  for (size_t i = 0; i < cb.tried.size(); ++i) tried.Set(static_cast<uint32_t>(i), cb.tried[i]);
  cublas.Set("tried", tried);
  result.Set("cublas", cublas);
  result.Set("gemm", cb.loaded ? "cublas" : "builtin tiled kernel");
  const std::string lt = cublaslt_path();
  result.Set("cublasLt", lt.empty() ? env.Null() : Napi::String::New(env, lt));
  result.Set("cublasLtRelu", !lt.empty() && cublaslt_relu());
  result.Set("tf32", cb.loaded && cb.tf32);
  return result;
}

}  // namespace myelin
