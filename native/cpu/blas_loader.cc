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
#include <cstring>
#include <initializer_list>
#include <strings.h>

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
// `coreType` (when not null) is passed as OPENBLAS_CORETYPE the same way. The variables are removed again
// after the dlopen, so child processes do not inherit them.
void* open_library(const char* file, const char* coreType = nullptr) {
  const bool set = std::getenv("OPENBLAS_THREAD_TIMEOUT") == nullptr && setenv("OPENBLAS_THREAD_TIMEOUT", "16", 0) == 0;
  const bool setCore = coreType != nullptr && setenv("OPENBLAS_CORETYPE", coreType, 1) == 0;
  void* h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (set) unsetenv("OPENBLAS_THREAD_TIMEOUT");
  if (setCore) unsetenv("OPENBLAS_CORETYPE");
  return h;
}

// A DYNAMIC_ARCH OpenBLAS picks its kernels by the processor's family and model, and a release older than the
// processor falls back to its SSE3 "Prescott" kernels (OpenBLAS 0.3.21 on an Emerald Rapids Xeon, model 0xCF:
// its sgemm ran 2.6x slower than the SkylakeX kernels on the transformer benchmark's GEMMs). The core type
// this processor's instructions allow, when OpenBLAS chose a weaker one: "SkylakeX" with AVX-512 F/BW/DQ/VL,
// "Haswell" with AVX2 and FMA; nullptr when its choice is fine, the user set OPENBLAS_CORETYPE, or the
// library does not say what it chose.
const char* better_openblas_core(void* h) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  auto corename = reinterpret_cast<const char* (*)()>(dlsym(h, "openblas_get_corename"));
  if (corename == nullptr || std::getenv("OPENBLAS_CORETYPE") != nullptr) return nullptr;
  const std::string core = corename();
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  auto oneOf = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (strcasecmp(core.c_str(), n) == 0) return true;
    return false;
  };
  if (avx512 && !oneOf({"SkylakeX", "Cooperlake", "SapphireRapids"})) return "SkylakeX";
  if (!avx512 && avx2 && !oneOf({"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"})) {
    return "Haswell";
  }
#else
  (void)h;
#endif
  return nullptr;
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
  if (const char* core = better_openblas_core(h)) {
    // dlclose runs OpenBLAS's shutdown; the reopen runs its start-up again with the core type set.
    auto corename = reinterpret_cast<const char* (*)()>(dlsym(h, "openblas_get_corename"));
    const std::string chose = corename();
    dlclose(h);
    h = open_library(file, core);
    sgemm = h == nullptr ? nullptr : reinterpret_cast<CblasSgemm>(dlsym(h, "cblas_sgemm"));
    if (sgemm == nullptr) {
      g_blas.tried.push_back(std::string(file) + ": could not be reopened with OPENBLAS_CORETYPE=" + core);
      return false;
    }
    corename = reinterpret_cast<const char* (*)()>(dlsym(h, "openblas_get_corename"));
    g_blas.tried.push_back(std::string(file) + ": OpenBLAS chose the " + chose + " kernels for this processor; " +
                           "reopened with OPENBLAS_CORETYPE=" + core + " (" + (corename ? corename() : "?") + ")");
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
