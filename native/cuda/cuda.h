// Internal interfaces shared between the files of the CUDA flavour. Host-only: the .cu files include
// kernels.h instead, so nvcc never parses node-addon-api.
#pragma once

#include <cuda_runtime_api.h>
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../common/args.h"
#include "kernels.h"

namespace myelin {
namespace cuda {

// ---- errors ------------------------------------------------------------------------------------------
// Error codes set on the thrown JS errors (`err.code`), so JavaScript can tell them apart.
constexpr const char* kNoDeviceCode = "ERR_MYELIN_CUDA_NO_DEVICE";  // no device / not initialised
constexpr const char* kOomCode = "ERR_MYELIN_CUDA_OOM";             // device memory exhausted
constexpr const char* kCudaCode = "ERR_MYELIN_CUDA";                // any other CUDA failure

// A JS Error with `code` set.
Napi::Error coded_error(Napi::Env env, const std::string& message, const char* code);
// "cudaErrorNoDevice (no CUDA-capable device is detected)"
std::string describe_error(cudaError_t err);
// Throws a JS Error (code ERR_MYELIN_CUDA) naming `what` when err != cudaSuccess.
void check(Napi::Env env, cudaError_t err, const char* what);
// Checks the launch of the kernel(s) just enqueued (cudaGetLastError).
void check_launch(Napi::Env env, const char* what);

// ---- device and stream ---------------------------------------------------------------------------------
// True once init() found a device and created the stream.
bool ready();
// Throws ERR_MYELIN_CUDA_NO_DEVICE with the reason init() failed (or "init() was not called").
void require_ready(Napi::Env env, const char* fn);
// The one stream every kernel and copy is enqueued on (valid only when ready()).
cudaStream_t stream();
// The device's streaming multiprocessors (valid only when ready()); sizes the grids of multi-tensor kernels.
int multiprocessors();
// kKernelScratchBytes of device memory for split reductions and GEMMs, allocated by init(); nullptr before, or if
// that failed.
void* kernel_scratch();
// Work that needs the host in the middle of a step (staged uploads, allocations) calls spoil_capture(): while
// graphBegin() captures the stream, graphEnd() then discards the capture (graphs.cc).
void spoil_capture();
// True between graphBegin() and graphEnd().
bool capturing();
// The executable graph behind a handle from graphEnd() (graphs.cc); TypeError naming args' function otherwise.
cudaGraphExec_t graph_exec(const Args& args, const Napi::Value& handle);

// ---- caching allocator ---------------------------------------------------------------------------------
// Rounds a request up to its size class: at least 512 bytes, then 4 classes per power of two
// (1, 1.25, 1.5, 1.75 x 2^k), so a class wastes at most 25% and blocks are reused across sizes.
size_t size_class(size_t bytes);
// A block of size_class(bytes) bytes from the free list of its class, else from cudaMalloc; when that
// fails the cache is emptied and cudaMalloc retried. Out of memory throws ERR_MYELIN_CUDA_OOM.
// bytes == 0 returns nullptr. Blocks are stream-ordered: a block freed after enqueuing work that uses
// it may be handed out at once, because all work runs on stream() in order.
void* device_alloc(Napi::Env env, size_t bytes);
void device_free(void* ptr, size_t bytes);
// Synchronizes and returns every cached free block to the driver.
void empty_cache();
struct AllocatorStats {
  size_t in_use_bytes = 0, cached_bytes = 0, malloc_calls = 0, free_calls = 0, hits = 0;
};
AllocatorStats allocator_stats();

// ---- host -> device copies through a pinned staging ring ------------------------------------------------
// Copies `bytes` from host memory to device memory on stream(). The host memory may be reused as soon as
// this returns (it was copied to pinned staging memory first, or the copy was synchronous).
void upload_async(Napi::Env env, void* dst, const void* src, size_t bytes);

// ---- buffer handles --------------------------------------------------------------------------------------
// What a JS buffer handle (a napi External) points at. The struct lives until the External is collected;
// free() only returns the device block and marks it released.
struct DeviceBuffer {
  float* ptr = nullptr;  // nullptr for an empty buffer
  size_t len = 0;        // floats
  bool live = true;
};
// Wraps a new buffer of `len` floats (not initialised) in a handle.
Napi::Value new_buffer(Napi::Env env, size_t len, DeviceBuffer** out);
// The live buffer behind argument i; TypeError when it is not a handle of this addon, Error when freed.
DeviceBuffer* buffer_arg(const Args& args, const Napi::CallbackInfo& info, size_t i, const char* name);
// Like buffer_arg, null/undefined give nullptr.
DeviceBuffer* buffer_or_null_arg(const Args& args, const Napi::CallbackInfo& info, size_t i, const char* name);
// The same for a value that is not a call argument (an element of an array argument).
DeviceBuffer* buffer_value(const Args& args, const Napi::Value& v, const char* name);
std::vector<DeviceBuffer*> buffer_list_value(const Args& args, const Napi::Value& v, const char* name);
// An array of handles (optimizer lists).
std::vector<DeviceBuffer*> buffer_list_arg(const Args& args, const Napi::CallbackInfo& info, size_t i,
                                           const char* name);
// RangeError unless buf holds at least `need` floats.
void need(const Args& args, const DeviceBuffer* buf, size_t need, const char* name);

// ---- shapes ------------------------------------------------------------------------------------------------
// Coalesced iteration space of a strided op with up to two operand stride lists: size-1 dims dropped and a
// dim merged into the next inner one when every operand stays affine. rank >= 1 (a scalar is [1]).
struct Coalesced {
  int rank = 0;
  int64_t dim[kMaxRank];
  int64_t s0[kMaxRank];
  int64_t s1[kMaxRank];
};
Coalesced coalesce(const Dims& shape, const Dims& s0, const Dims& s1);
// The kernels' by-value copy of a Coalesced space.
StridedSpace to_space(const Coalesced& c);

// ---- multi-tensor chunks (optimizers) ----------------------------------------------------------------------
// Splits tensors of the given lengths into chunks of at most `chunk` elements: (tensor, begin, length).
struct ChunkRef {
  uint32_t tensor;
  size_t begin;
  uint32_t length;
};
std::vector<ChunkRef> split_chunks(const std::vector<size_t>& lengths, size_t chunk);
// The chunk size of a multi-tensor step over `total` elements on a device with `multiprocessors` SMs: small
// enough that every SM gets several blocks (kOptimizerBlocksPerSm), a multiple of kOptimizerGranule, and
// between kOptimizerGranule and kOptimizerChunk elements.
size_t optimizer_chunk(size_t total, int multiprocessors);

// ---- GEMM -----------------------------------------------------------------------------------------------------
// C[m, n] = alpha op(A) op(B) + beta C (row-major) on stream(): cuBLAS when loaded, else the tiled kernel.
void gemm(Napi::Env env, bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
          float beta, float* c);

// ---- cuBLAS opened at run time --------------------------------------------------------------------------------
struct CublasInfo {
  bool loaded = false;
  std::string path;  // the file that loaded
  int version = 0;   // e.g. 130000 (major * 10000 + minor * 100 + patch); 0 when unknown
  bool tf32 = false;
  std::vector<std::string> tried;  // "path: outcome" for every file tried
};
// The candidate files in search order for `request` ("" = usual places, else one path).
std::vector<std::string> cublas_candidates(const std::string& request);
// dlopens the first candidate that has every needed symbol (no device needed). "builtin" loads nothing.
CublasInfo cublas_probe(const std::string& request);
// Loads cuBLAS (as cublas_probe), creates a handle on stream() and sets the math mode. Returns the info;
// a failing handle creation is recorded in `tried` and leaves cuBLAS unused.
const CublasInfo& cublas_init(const std::string& request, bool tf32);
// True when gemm goes through cuBLAS.
bool cublas_ready();
// The active cuBLAS: the file it was opened from, whether TF32 math is on, and its workspace (null / 0: none).
std::string cublas_path();
bool cublas_tf32();
struct CublasWorkspace {
  void* ptr = nullptr;
  size_t bytes = 0;
};
CublasWorkspace cublas_workspace();
// out = act(x[m, k] @ w[k, n] + bias[n]) for act ReLU (relu) or linear, as one cuBLASLt matmul with its bias
// epilogue (cublaslt.cc). false when it cannot (no cuBLASLt, no algorithm for the shape, an error status,
// MYELIN_CUBLASLT=0): the caller then runs the GEMM and the epilogue kernel.
bool cublaslt_dense(bool relu, size_t m, size_t n, size_t k, const float* x, const float* w, const float* bias,
                    float* out);
// True when MYELIN_CUBLASLT=relu asks for ReLU layers through cuBLASLt too (see cublaslt.cc: NaN becomes 0).
bool cublaslt_relu();
// The cuBLASLt file in use, or "" when none.
std::string cublaslt_path();
// The cuBLASLt file beside a cuBLAS file or name ("libcublas.so.13" -> "libcublasLt.so.13"); "" for another name.
std::string cublaslt_file(const std::string& cublas);
// cublasSgemm_v2 in column-major terms; returns false on a cuBLAS error status.
bool cublas_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                  float beta, float* c, int ldc, int* status);

// Row indices on the device for as long as this object lives (data_entries.cc): a block from the allocator,
// filled through the staging ring and handed back in stream order, after the kernels that read it.
struct DeviceIndices {
  int32_t* ptr = nullptr;
  size_t bytes = 0;
  DeviceIndices(Napi::Env env, const I32& idx);
  ~DeviceIndices();
  DeviceIndices(const DeviceIndices&) = delete;
  DeviceIndices& operator=(const DeviceIndices&) = delete;
};

// ---- prepared optimizer steps (optimizer_entries.cc) --------------------------------------------------------

// An optimizer step whose lists were checked and whose chunk table is built (optimizer_entries.cc). Every launch
// reads the learning rate and step number from `hyper`, the optimizer's device buffer [learningRate, stepsDone],
// and advances its count (launch_multi_tensor).
struct PreparedOptimizer {
  OptimizerKind kind;
  std::vector<TensorChunk> table;
  OptimizerScalars base;
  float* hyper;
};

// A chunk table on the device for as long as this object lives (freed in stream order).
struct DeviceTable {
  TensorChunk* ptr = nullptr;
  size_t bytes = 0;
  DeviceTable(Napi::Env env, const std::vector<TensorChunk>& table);
  ~DeviceTable();
  DeviceTable(const DeviceTable&) = delete;
  DeviceTable& operator=(const DeviceTable&) = delete;
};
// An optimizer call given as [entryName, ...arguments] (an argument of args' function), checked and prepared.
PreparedOptimizer prepare_optimizer_call(const Args& args, const Napi::Value& call);

}  // namespace cuda
}  // namespace myelin
