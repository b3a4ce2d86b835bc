// cuBLAS opened at run time, so the addon loads on machines without it (the tiled kernel serves then).
// Search order: an explicit path; else libcublas.so.13 then .12 by the dynamic loader's own path
// (LD_LIBRARY_PATH, ldconfig), then in $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64 and
// /usr/local/cuda/targets/x86_64-linux/lib. The symbols are resolved with dlsym against prototypes declared
// here (no cuBLAS header is needed), through native/common/dynamic_library.h. TF32 tensor-core math only when asked
// (init option tf32 / MYELIN_TF32).
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "../common/dynamic_library.h"
#include "cuda.h"

namespace myelin {
namespace cuda {

namespace {

// ---- the part of the cuBLAS API we use (cublas_api.h, stable since CUDA 11) --------------------------------
using cublasHandle_t = void*;
using CreateFn = int (*)(cublasHandle_t*);
using SetStreamFn = int (*)(cublasHandle_t, cudaStream_t);
using SgemmFn = int (*)(cublasHandle_t, int transa, int transb, int m, int n, int k, const float* alpha, const float* a,
                        int lda, const float* b, int ldb, const float* beta, float* c, int ldc);
using SetMathModeFn = int (*)(cublasHandle_t, int mode);
using GetVersionFn = int (*)(cublasHandle_t, int* version);
using GetPropertyFn = int (*)(int type, int* value);  // libraryPropertyType: 0 major, 1 minor, 2 patch
using SetWorkspaceFn = int (*)(cublasHandle_t, void* workspace, size_t bytes);  // cuBLAS >= 11.4, optional
constexpr int kOpN = 0, kOpT = 1;                                               // cublasOperation_t
constexpr int kDefaultMath = 0, kTf32Math = 3;                                  // cublasMath_t: DEFAULT, TF32_TENSOR_OP

struct Api {
  void* lib = nullptr;
  CreateFn create = nullptr;
  SetStreamFn setStream = nullptr;
  SgemmFn sgemm = nullptr;
  SetMathModeFn setMathMode = nullptr;
  GetVersionFn getVersion = nullptr;
  GetPropertyFn getProperty = nullptr;
  SetWorkspaceFn setWorkspace = nullptr;
};

// One opened library + handle per request (""=search, or a path), kept for the life of the process: backends
// with different requests may alternate (init is re-applied before their GEMMs), and re-creating a handle on
// every switch would leak its workspace. cuBLAS is never dlclose'd while a handle of it may be in use.
struct Loaded {
  Api api;
  cublasHandle_t handle = nullptr;
  CublasInfo info;
  CublasWorkspace workspace;
};
std::map<std::string, Loaded>& g_loaded = *new std::map<std::string, Loaded>;
Loaded* g_active = nullptr;  // the request of the last init

std::string env_dir(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::string();
}

// major * 10000 + minor * 100 + patch from cublasGetProperty (works without a device), else 0.
int library_version(const Api& a) {
  if (a.getProperty == nullptr) return 0;
  int major = 0, minor = 0, patch = 0;
  if (a.getProperty(0, &major) != 0 || a.getProperty(1, &minor) != 0 || a.getProperty(2, &patch) != 0) return 0;
  return major * 10000 + minor * 100 + patch;
}

// Probes the candidates; fills info (tried, path, version) and api. Loads nothing for "builtin".
void probe(const std::string& request, CublasInfo* info, Api* api) {
  *info = CublasInfo();
  if (request == "builtin") {
    info->tried.push_back("builtin: cuBLAS not used (requested)");
    return;
  }
#ifdef MYELIN_CUDA_EMULATOR
  // The host emulator's "device" memory is host memory, which a real cuBLAS cannot read.
  info->tried.push_back("cuBLAS not used: this is the host emulator build (native/cuda-emu)");
  return;
#endif
  Api a;
  const OpenedLibrary lib = open_library(
      cublas_candidates(request),
      {library_symbol("cublasCreate_v2", &a.create), library_symbol("cublasSetStream_v2", &a.setStream),
       library_symbol("cublasSgemm_v2", &a.sgemm), library_symbol("cublasSetMathMode", &a.setMathMode),
       library_symbol("cublasGetVersion_v2", &a.getVersion), library_symbol("cublasGetProperty", &a.getProperty, false),
       library_symbol("cublasSetWorkspace_v2", &a.setWorkspace, false)},
      &info->tried);
  if (lib.handle == nullptr) return;
  a.lib = lib.handle;
  *api = a;
  info->loaded = true;
  info->path = lib.file;
  info->version = library_version(a);
}

}  // namespace

std::vector<std::string> cublas_candidates(const std::string& request) {
  if (!request.empty()) return {request};
  const char* names[] = {"libcublas.so.13", "libcublas.so.12"};
  std::vector<std::string> dirs;
  for (const char* var : {"CUDA_HOME", "CUDA_PATH"}) {
    const std::string d = env_dir(var);
    if (!d.empty()) dirs.push_back(d + "/lib64");
  }
  dirs.push_back("/usr/local/cuda/lib64");
  dirs.push_back("/usr/local/cuda/targets/x86_64-linux/lib");
  std::vector<std::string> out;
  for (const char* n : names) out.push_back(n);  // the loader's own search path first
  for (const std::string& d : dirs)
    for (const char* n : names) out.push_back(d + "/" + n);
  return out;
}

// Gives the handle a workspace of its own (32 MiB, MYELIN_CUBLAS_WORKSPACE_MB to change; 0 leaves cuBLAS its
// default), as PyTorch does on Hopper: GEMMs captured into a CUDA graph then keep the algorithms that need one.
// Allocated once per handle, for the life of the process, outside the caching allocator.
static void set_workspace(Loaded& l) {
  if (l.api.setWorkspace == nullptr) return;
  const char* env = std::getenv("MYELIN_CUBLAS_WORKSPACE_MB");
  const size_t mb = env != nullptr && *env != '\0' ? std::strtoul(env, nullptr, 10) : 32;
  if (mb == 0) return;
  void* ws = nullptr;
  if (cudaMalloc(&ws, mb << 20) != cudaSuccess) {
    cudaGetLastError();
    return;
  }
  if (l.api.setWorkspace(l.handle, ws, mb << 20) != 0) {
    cudaFree(ws);
    return;
  }
  l.workspace = CublasWorkspace{ws, mb << 20};  // cuBLASLt matmuls on the same stream use it too
}

CublasInfo cublas_probe(const std::string& request) {
  CublasInfo info;
  Api api;
  probe(request, &info, &api);
  if (info.loaded) close_library(api.lib);
  return info;
}

const CublasInfo& cublas_init(const std::string& request, bool tf32) {
  auto it = g_loaded.find(request);
  if (it == g_loaded.end()) {
    Loaded l;
    probe(request, &l.info, &l.api);
    if (l.info.loaded) {
      int st = l.api.create(&l.handle);
      if (st == 0) st = l.api.setStream(l.handle, stream());
      if (st != 0) {
        l.info.tried.push_back(l.info.path + ": cublasCreate/cublasSetStream failed with status " + std::to_string(st) +
                               "; using the built-in tiled kernel");
        l.info.loaded = false;
        l.handle = nullptr;
      } else {
        int v = 0;
        if (l.api.getVersion(l.handle, &v) == 0 && v > 0) l.info.version = v;
        set_workspace(l);
      }
    }
    it = g_loaded.emplace(request, l).first;
  }
  g_active = &it->second;
  Loaded& l = *g_active;
  l.info.tf32 = l.handle != nullptr && l.api.setMathMode(l.handle, tf32 ? kTf32Math : kDefaultMath) == 0 && tf32;
  return l.info;
}

bool cublas_ready() { return g_active != nullptr && g_active->handle != nullptr; }

std::string cublas_path() { return cublas_ready() ? g_active->info.path : std::string(); }

bool cublas_tf32() { return cublas_ready() && g_active->info.tf32; }

CublasWorkspace cublas_workspace() { return cublas_ready() ? g_active->workspace : CublasWorkspace(); }

bool cublas_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                  float beta, float* c, int ldc, int* status) {
  *status = g_active->api.sgemm(g_active->handle, ta ? kOpT : kOpN, tb ? kOpT : kOpN, m, n, k, &alpha, a, lda, b, ldb,
                                &beta, c, ldc);
  return *status == 0;
}

}  // namespace cuda
}  // namespace myelin
