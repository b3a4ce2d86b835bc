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
// Every try is recorded in BlasLibrary::tried ("<file>: loaded" / "<file>: dlopen failed: ..." / "<file>: exports
// no cblas_sgemm", native/common/dynamic_library.h).
#include <iterator>
#include <string>
#include <vector>
#include <cstdlib>
#include <initializer_list>
#include <strings.h>

#include "../common/dynamic_library.h"
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

// The thread setters, one per library family (each names it differently); those a library lacks stay null.
struct ThreadSetters {
  void (*openblas)(int) = nullptr;
  void (*mklUpper)(int) = nullptr;
  void (*mklLower)(const int*) = nullptr;
  void (*blis)(long) = nullptr;  // NOLINT(runtime/int): BLIS's signature
};

// Caps the library's own threads.
void set_blas_threads(const ThreadSetters& t, int threads) {
  if (t.openblas != nullptr) t.openblas(threads);
  if (t.mklUpper != nullptr) t.mklUpper(threads);
  if (t.mklLower != nullptr) t.mklLower(&threads);
  if (t.blis != nullptr) t.blis(threads);
}

// What a loaded library is, judged by the symbols it exports (libblas.so.3 may be any of them).
std::string identify(const ThreadSetters& t) {
  if (t.openblas != nullptr) return "openblas";
  if (t.mklUpper != nullptr || t.mklLower != nullptr) return "mkl";
  if (t.blis != nullptr) return "blis";
  return "cblas";
}

using CoreName = const char* (*)();

// A DYNAMIC_ARCH OpenBLAS picks its kernels by the processor's family and model, and a release older than the
// processor falls back to its SSE3 "Prescott" kernels (OpenBLAS 0.3.21 on an Emerald Rapids Xeon, model 0xCF:
// its sgemm ran 2.6x slower than the SkylakeX kernels on the transformer benchmark's GEMMs). The core type
// this processor's instructions allow, when OpenBLAS chose a weaker one: "SkylakeX" with AVX-512 F/BW/DQ/VL,
// "Haswell" with AVX2 and FMA; nullptr when its choice is fine, the user set OPENBLAS_CORETYPE, or the
// library does not say what it chose.
const char* better_openblas_core(CoreName corename) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
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
  (void)corename;
#endif
  return nullptr;
}

// Opens the first of `files` that exports cblas_sgemm (native/common/dynamic_library.h records each try); an
// OpenBLAS that chose kernels weaker than the processor allows is closed and opened again with OPENBLAS_CORETYPE.
bool try_open(const std::vector<std::string>& files, int threads) {
  CblasSgemm sgemm = nullptr;
  ThreadSetters t;
  CoreName corename = nullptr;
  LibraryOptions options;
  // OpenBLAS worker threads spin for 2^28 cycles (about 0.1 s) after each call before they sleep. Between
  // GEMMs the addon runs its own threaded kernels, and spinning BLAS threads then take their cores (on 2
  // cores an mnist-sized training step ran 25% slower). OpenBLAS reads OPENBLAS_THREAD_TIMEOUT (log2 of the
  // spin in cycles) when it loads; unless the user set it, spin 2^16 cycles (tens of microseconds) instead.
  options.loadEnv.push_back({"OPENBLAS_THREAD_TIMEOUT", "16"});
  auto symbols = [&] {
    return std::vector<LibrarySymbol>{library_symbol("cblas_sgemm", &sgemm),
                                      library_symbol("openblas_set_num_threads", &t.openblas, false),
                                      library_symbol("MKL_Set_Num_Threads", &t.mklUpper, false),
                                      library_symbol("mkl_set_num_threads", &t.mklLower, false),
                                      library_symbol("bli_thread_set_num_threads", &t.blis, false),
                                      library_symbol("openblas_get_corename", &corename, false)};
  };
  OpenedLibrary lib = open_library(files, symbols(), &g_blas.tried, options);
  if (lib.handle == nullptr) return false;
  if (const char* core = better_openblas_core(corename)) {
    // Closing runs OpenBLAS's shutdown; the reopening runs its start-up again with the core type set.
    const std::string chose = corename();
    const std::string file = lib.file;
    close_library(lib.handle);
    options.loadEnv.push_back({"OPENBLAS_CORETYPE", core});
    lib = open_library({file}, symbols(), &g_blas.tried, options);
    if (lib.handle == nullptr) return false;
    g_blas.tried.push_back(file + ": OpenBLAS chose the " + chose + " kernels for this processor; " +
                           "reopened with OPENBLAS_CORETYPE=" + core + " (" + (corename ? corename() : "?") + ")");
  }
  g_blas.sgemm = sgemm;
  g_blas.library = identify(t);
  g_blas.path = library_path_of(reinterpret_cast<void*>(sgemm), lib.file);
  set_blas_threads(t, threads);
  g_handle = lib.handle;  // kept open for the life of the process
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
    if (try_open({request}, threads)) return true;
    *error =
        library_error("the BLAS library '" + request + "'", g_blas.tried,
                      "set MYELIN_BLAS to a CBLAS library path (Debian: apt-get install libopenblas0) or to 'builtin'");
    return false;
  }
  try_open(std::vector<std::string>(std::begin(kCandidates), std::end(kCandidates)), threads);
  return true;  // when nothing was found, the built-in GEMM serves
}

}  // namespace myelin
