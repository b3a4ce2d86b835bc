// The dense layer's forward as one cuBLASLt matmul whose epilogue adds the bias (and applies ReLU):
// out = act(x @ w + bias) for act in {linear, relu}, without the separate bias/activation pass. cuBLASLt is
// opened at run time next to the cuBLAS that loaded (libcublasLt.so.N in the same place; no header needed: the
// few prototypes and enum values are declared here). Every failure (no library, no algorithm for a shape, an
// error status) makes the caller fall back to cuBLAS + the epilogue kernel. MYELIN_CUBLASLT=0 turns it off;
// MYELIN_CUBLASLT=relu also runs ReLU layers through the RELU_BIAS epilogue, which is off by default because a
// max(x, 0) epilogue turns NaN into 0 where PyTorch and the other flavours keep NaN (a diverged layer would
// then go unnoticed).
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "../common/dynamic_library.h"
#include "cuda.h"

namespace myelin {
namespace cuda {

namespace {

// ---- the part of the cuBLASLt API we use (cublasLt.h, stable since CUDA 11) ------------------------------------
using Handle = void*;
using Desc = void*;
using Layout = void*;
using Pref = void*;
struct Algo {
  uint64_t data[8];
};
struct HeuristicResult {
  Algo algo;
  size_t workspaceSize;
  int state;
  float wavesCount;
  int reserved[4];
};
using CreateFn = int (*)(Handle*);
using DescCreateFn = int (*)(Desc*, int computeType, int scaleType);
using DescSetFn = int (*)(Desc, int attr, const void* buf, size_t size);
using LayoutCreateFn = int (*)(Layout*, int type, uint64_t rows, uint64_t cols, int64_t ld);
using PrefCreateFn = int (*)(Pref*);
using PrefDestroyFn = int (*)(Pref);
using PrefSetFn = int (*)(Pref, int attr, const void* buf, size_t size);
using HeuristicFn = int (*)(Handle, Desc, Layout a, Layout b, Layout c, Layout d, Pref, int requested,
                            HeuristicResult* out, int* returned);
using MatmulFn = int (*)(Handle, Desc, const void* alpha, const void* a, Layout, const void* b, Layout,
                         const void* beta, const void* c, Layout, void* d, Layout, const Algo* algo, void* workspace,
                         size_t workspaceBytes, cudaStream_t stream);

constexpr int kComputeF32 = 68, kComputeF32FastTf32 = 77;     // cublasComputeType_t
constexpr int kRealF32 = 0;                                   // cudaDataType_t CUDA_R_32F
constexpr int kDescEpilogue = 7, kDescBiasPointer = 8;        // cublasLtMatmulDescAttributes_t
constexpr int kPrefMaxWorkspace = 1;                          // cublasLtMatmulPreferenceAttributes_t
constexpr uint32_t kEpilogueBias = 4, kEpilogueReluBias = 6;  // cublasLtEpilogue_t

struct Api {
  CreateFn create = nullptr;
  DescCreateFn descCreate = nullptr;
  DescSetFn descSet = nullptr;
  LayoutCreateFn layoutCreate = nullptr;
  PrefCreateFn prefCreate = nullptr;
  PrefDestroyFn prefDestroy = nullptr;
  PrefSetFn prefSet = nullptr;
  HeuristicFn heuristic = nullptr;
  MatmulFn matmul = nullptr;
};

// One prepared matmul shape: descriptor, layouts and the algorithm the heuristic picked (ok false: none, or a
// call failed).
struct Plan {
  bool made = false;
  bool ok = false;
  Desc desc = nullptr;
  Layout a = nullptr, b = nullptr, d = nullptr;
  Algo algo{};
};

struct State {
  bool tried = false;
  Api api;
  Handle handle = nullptr;
  std::string path;
  std::map<std::tuple<size_t, size_t, size_t, bool, bool>, Plan> plans;  // (m, n, k, relu, tf32)
};
State& g = *new State;  // never destroyed: plans may be in use while the process exits

// MYELIN_CUBLASLT as it was when first read ("" when unset): "0" turns cuBLASLt off, "relu" takes ReLU layers too.
const std::string& cublaslt_setting() {
  static const std::string setting = [] {
    const char* v = std::getenv("MYELIN_CUBLASLT");
    return std::string(v != nullptr ? v : "");
  }();
  return setting;
}

// Opens cuBLASLt once a cuBLAS is active (a first init without cuBLAS does not use up the attempt).
void open_once() {
  if (g.tried) return;
  const std::string file = cublaslt_file(cublas_path());
  if (file.empty()) return;
  g.tried = true;
  if (cublaslt_setting() == "0") return;
  Api a;
  std::vector<std::string> tried;  // cuBLASLt is optional: a failure only leaves the plain GEMM path
  void* lib =
      open_library(
          {file},
          {library_symbol("cublasLtCreate", &a.create), library_symbol("cublasLtMatmulDescCreate", &a.descCreate),
           library_symbol("cublasLtMatmulDescSetAttribute", &a.descSet),
           library_symbol("cublasLtMatrixLayoutCreate", &a.layoutCreate),
           library_symbol("cublasLtMatmulPreferenceCreate", &a.prefCreate),
           library_symbol("cublasLtMatmulPreferenceDestroy", &a.prefDestroy),
           library_symbol("cublasLtMatmulPreferenceSetAttribute", &a.prefSet),
           library_symbol("cublasLtMatmulAlgoGetHeuristic", &a.heuristic), library_symbol("cublasLtMatmul", &a.matmul)},
          &tried)
          .handle;
  if (lib == nullptr) return;
  Handle h = nullptr;
  if (a.create(&h) != 0) {
    close_library(lib);
    return;
  }
  g.api = a;
  g.handle = h;
  g.path = file;
}

// The plan of a shape, made on first use. The heuristic assumes 256-byte aligned matrices (its default), which
// every buffer is: each is a whole block of the caching allocator (cudaMalloc alignment). Row-major out[m, n] = x[m, k]
// w[k, n] is column-major out^T[n, m] = w^T[n, k] x^T[k, m]: A = w (n x k, ld n), B = x (k x m, ld k), D = out (n x m,
// ld n), and the bias (length n) runs along D's rows, as cuBLASLt's bias epilogue wants.
Plan& plan_for(size_t m, size_t n, size_t k, bool relu, bool tf32, const float* bias) {
  Plan& p = g.plans[std::make_tuple(m, n, k, relu, tf32)];
  if (p.made) return p;
  p.made = true;
  const Api& a = g.api;
  if (a.descCreate(&p.desc, tf32 ? kComputeF32FastTf32 : kComputeF32, kRealF32) != 0) return p;
  const uint32_t epilogue = relu ? kEpilogueReluBias : kEpilogueBias;
  const CublasWorkspace ws = cublas_workspace();
  Pref pref = nullptr;
  const uint64_t wsBytes = ws.bytes;
  int found = 0;
  HeuristicResult result{};
  p.ok = a.descSet(p.desc, kDescEpilogue, &epilogue, sizeof(epilogue)) == 0 &&
         a.descSet(p.desc, kDescBiasPointer, &bias, sizeof(bias)) == 0 &&
         a.layoutCreate(&p.a, kRealF32, n, k, static_cast<int64_t>(n)) == 0 &&
         a.layoutCreate(&p.b, kRealF32, k, m, static_cast<int64_t>(k)) == 0 &&
         a.layoutCreate(&p.d, kRealF32, n, m, static_cast<int64_t>(n)) == 0 && a.prefCreate(&pref) == 0 &&
         a.prefSet(pref, kPrefMaxWorkspace, &wsBytes, sizeof(wsBytes)) == 0 &&
         a.heuristic(g.handle, p.desc, p.a, p.b, p.d, p.d, pref, 1, &result, &found) == 0 && found > 0 &&
         result.state == 0 && result.workspaceSize <= ws.bytes;
  if (p.ok) p.algo = result.algo;
  if (pref != nullptr) a.prefDestroy(pref);  // only the heuristic reads it; descriptor and layouts stay with the plan
  return p;
}

}  // namespace

std::string cublaslt_file(const std::string& cublas) {
  const size_t at = cublas.rfind("libcublas.so");
  return at == std::string::npos ? std::string() : cublas.substr(0, at) + "libcublasLt.so" + cublas.substr(at + 12);
}

bool cublaslt_dense(bool relu, size_t m, size_t n, size_t k, const float* x, const float* w, const float* bias,
                    float* out) {
  if (!cublas_ready() || bias == nullptr || m == 0 || n == 0 || k == 0) return false;
  const size_t limit = 0x7fffffff;
  if (m > limit || n > limit || k > limit) return false;
  open_once();
  if (g.handle == nullptr) return false;
  const bool tf32 = cublas_tf32();
  Plan& p = plan_for(m, n, k, relu, tf32, bias);
  if (!p.ok) return false;
  const Api& a = g.api;
  const float one = 1.f, zero = 0.f;
  const CublasWorkspace ws = cublas_workspace();
  if (a.descSet(p.desc, kDescBiasPointer, &bias, sizeof(bias)) != 0 ||
      a.matmul(g.handle, p.desc, &one, w, p.a, x, p.b, &zero, out, p.d, out, p.d, &p.algo, ws.ptr, ws.bytes,
               stream()) != 0) {
    p.ok = false;  // this shape goes the cuBLAS + epilogue way from now on
    return false;
  }
  return true;
}

bool cublaslt_relu() {
  static const bool relu = cublaslt_setting() == "relu";  // asked on every dense forward
  return relu;
}

std::string cublaslt_path() {
  open_once();
  return g.handle != nullptr ? g.path : std::string();
}

}  // namespace cuda
}  // namespace myelin
