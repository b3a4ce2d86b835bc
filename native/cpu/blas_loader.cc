// Opens a CBLAS library at run time with dlopen, so the addon links against no BLAS and a machine
// without one still works (the built-in GEMM serves).
//
// Search order when no library is named (first that loads and exports cblas_sgemm wins):
//   1. OpenBLAS: libopenblas.so.0, libopenblas.so (dynamic-linker path), then
//      /usr/lib/x86_64-linux-gnu/openblas-pthread/, /usr/lib/aarch64-linux-gnu/openblas-pthread/,
//      /usr/lib64/, /usr/local/lib/, /opt/OpenBLAS/lib/ (libopenblas.so.0 / libopenblas.so)
//   2. Intel MKL: libmkl_rt.so.2, libmkl_rt.so, /opt/intel/oneapi/mkl/latest/lib/(intel64/)libmkl_rt.so.2
//   3. BLIS: libblis.so.4, libblis.so
//   4. system CBLAS: libcblas.so.3, libblas.so.3 (macOS: Accelerate.framework)
// MYELIN_BLAS=<path> (init option `blas`) loads only that file; MYELIN_BLAS=builtin uses no library.
// Every try is recorded in BlasLibrary::tried ("<file>: loaded" / "not found" / "no cblas_sgemm").
#include <dlfcn.h>

#include <cstdlib>

#include "cpu.h"

namespace myelin {

namespace {

BlasLibrary g_blas;
void* g_handle = nullptr;

const char* const kCandidates[] = {
    "libopenblas.so.0",
    "libopenblas.so",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib64/libopenblas.so.0",
    "/usr/local/lib/libopenblas.so.0",
    "/usr/local/lib/libopenblas.so",
    "/opt/OpenBLAS/lib/libopenblas.so.0",
    "libmkl_rt.so.2",
    "libmkl_rt.so",
    "/opt/intel/oneapi/mkl/latest/lib/libmkl_rt.so.2",
    "/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so.2",
    "libblis.so.4",
    "libblis.so",
    "libcblas.so.3",
    "libblas.so.3",
#ifdef __APPLE__
    "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    "libopenblas.dylib",
#endif
};

// Caps the library's own threads; each library names this differently.
void set_blas_threads(void* h, int threads) {
  using SetInt = void (*)(int);
  using SetIntPtr = void (*)(const int*);
  if (auto f = reinterpret_cast<SetInt>(dlsym(h, "openblas_set_num_threads"))) f(threads);
  if (auto f = reinterpret_cast<SetInt>(dlsym(h, "MKL_Set_Num_Threads"))) f(threads);
  if (auto f = reinterpret_cast<SetIntPtr>(dlsym(h, "mkl_set_num_threads"))) f(&threads);
  if (auto f = reinterpret_cast<void (*)(long)>(dlsym(h, "bli_thread_set_num_threads"))) f(threads);
}

// What a loaded library is, judged by the symbols it exports (libblas.so.3 may be any of them).
std::string identify(void* h) {
  if (dlsym(h, "openblas_set_num_threads")) return "openblas";
  if (dlsym(h, "MKL_Set_Num_Threads") || dlsym(h, "mkl_set_num_threads")) return "mkl";
  if (dlsym(h, "bli_thread_set_num_threads")) return "blis";
  return "cblas";
}

// OpenBLAS worker threads spin for 2^28 cycles (about 0.1 s) after each call before they sleep. Between
// GEMMs the addon runs its own threaded kernels, and spinning BLAS threads then take their cores (on 2
// cores an mnist-sized training step ran 25% slower). OpenBLAS reads OPENBLAS_THREAD_TIMEOUT (log2 of the
// spin in cycles) when it loads; unless the user set it, spin 2^16 cycles (tens of microseconds) instead.
// The variable is removed again after the dlopen, so child processes do not inherit it.
//
// OpenBLAS also picks its kernels from the CPU model, and a model newer than the library (Debian 12's 0.3.21 on
// an Emerald Rapids VM) falls back to the SSE3 "Prescott" kernels: a 6400 x 256 x 64 SGEMM ran 4x slower there
// than with the AVX-512 ones. Unless the user set OPENBLAS_CORETYPE, it is named from the CPU's features
// (SkylakeX with AVX-512, Haswell with AVX2 and FMA), which every OpenBLAS with DYNAMIC_ARCH accepts.
const char* openblas_core_for_this_cpu() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return nullptr;
}

// Sets `name` to `value` for the dlopen unless the user set it; says whether to unset it afterwards.
bool set_for_load(const char* name, const char* value) {
  return value != nullptr && std::getenv(name) == nullptr && setenv(name, value, 0) == 0;
}

void* open_library(const char* file) {
  const bool timeout = set_for_load("OPENBLAS_THREAD_TIMEOUT", "16");
  const bool core = set_for_load("OPENBLAS_CORETYPE", openblas_core_for_this_cpu());
  void* h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (timeout) unsetenv("OPENBLAS_THREAD_TIMEOUT");
  if (core) unsetenv("OPENBLAS_CORETYPE");
  return h;
}

bool try_open(const char* file, int threads) {
  void* h = open_library(file);
  if (h == nullptr) {
    g_blas.tried.push_back(std::string(file) + ": not found");
    return false;
  }
  auto sgemm = reinterpret_cast<CblasSgemm>(dlsym(h, "cblas_sgemm"));
  if (sgemm == nullptr) {
    g_blas.tried.push_back(std::string(file) + ": no cblas_sgemm");
    dlclose(h);
    return false;
  }
  g_blas.tried.push_back(std::string(file) + ": loaded");
  g_blas.sgemm = sgemm;
  g_blas.library = identify(h);
  Dl_info where;
  g_blas.path = dladdr(reinterpret_cast<void*>(sgemm), &where) && where.dli_fname ? where.dli_fname : file;
  set_blas_threads(h, threads);
  g_handle = h;  // kept open for the life of the process
  return true;
}

}  // namespace

const BlasLibrary& blas() { return g_blas; }

bool load_blas(const std::string& request, int threads, std::string* error) {
  g_blas = BlasLibrary{};
  g_handle = nullptr;  // an earlier library stays mapped (dlclose under live callers is unsafe)
  if (request == "builtin") {
    g_blas.tried.push_back("builtin: requested");
    return true;
  }
  if (!request.empty()) {
    if (try_open(request.c_str(), threads)) return true;
    *error = "the BLAS library '" + request + "' cannot be used (" + g_blas.tried.back() +
             "); set MYELIN_BLAS to a CBLAS library path or to 'builtin'";
    return false;
  }
  for (const char* file : kCandidates) {
    if (try_open(file, threads)) return true;
  }
  return true;  // nothing found: the built-in GEMM serves
}

}  // namespace myelin
