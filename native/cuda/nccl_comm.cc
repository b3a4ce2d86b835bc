// NCCL collectives for lib/distributed on GPUs, opened at run time (as cuBLAS is) so that the flavour loads without
// NCCL: libnccl.so.2 (PyTorch's CUDA wheels and NVIDIA's packages ship it; MYELIN_NCCL_LIBRARY=<path> names another
// file). The prototypes are declared here (nccl.h, stable since NCCL 2.0); no NCCL header is needed to build.
//
// JS entries (NativeCudaAddon in lib/native/addon-types.ts):
//   ncclUniqueId() -> Uint8Array(128) | { missing }   ncclGetUniqueId, on rank 0 (the id then travels by MPI_Bcast or
//                                                      the TCP rendezvous of lib/distributed/rendezvous.ts)
//   ncclInitRank(id: Uint8Array(128), rank, size)      ncclCommInitRank on the current device; { missing } as above
//   ncclAllReduceSum(buffer, count)                    in place, ncclFloat32 / ncclSum on the flavour's stream
//   ncclBroadcast(buffer, count, root)                 in place, from `root`, on the flavour's stream
//   ncclDestroy()                                      ncclCommDestroy (later calls do nothing)
// Errors name the NCCL call and ncclGetErrorString's text.

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../common/args.h"
#include "../common/dynamic_library.h"
#include "cuda.h"
#include "exports_cuda.h"

namespace myelin {

namespace {

constexpr size_t kUniqueIdBytes = 128;  // NCCL_UNIQUE_ID_BYTES
struct UniqueId {
  char internal[kUniqueIdBytes];
};
using Comm = void*;          // ncclComm_t
constexpr int kFloat32 = 7;  // ncclFloat32
constexpr int kSum = 0;      // ncclSum

struct Nccl {
  void* lib = nullptr;
  int (*getUniqueId)(UniqueId*) = nullptr;
  int (*commInitRank)(Comm*, int, UniqueId, int) = nullptr;
  int (*allReduce)(const void*, void*, size_t, int, int, Comm, cudaStream_t) = nullptr;
  int (*broadcast)(const void*, void*, size_t, int, int, Comm, cudaStream_t) = nullptr;
  int (*commDestroy)(Comm) = nullptr;
  const char* (*getErrorString)(int) = nullptr;
  Comm comm = nullptr;
};

Nccl g_nccl;

// Opens NCCL and resolves every symbol the entries use (native/common/dynamic_library.h); "" on success, else
// every file tried and why it failed.
std::string load_nccl(Nccl* n) {
  if (n->lib != nullptr) return "";
  const char* chosen = std::getenv("MYELIN_NCCL_LIBRARY");
  const std::string file = chosen != nullptr && *chosen != '\0' ? chosen : "libnccl.so.2";
  Nccl loaded;
  std::vector<std::string> tried;
  loaded.lib =
      open_library(
          {file},
          {library_symbol("ncclGetUniqueId", &loaded.getUniqueId),
           library_symbol("ncclCommInitRank", &loaded.commInitRank), library_symbol("ncclAllReduce", &loaded.allReduce),
           library_symbol("ncclBroadcast", &loaded.broadcast), library_symbol("ncclCommDestroy", &loaded.commDestroy),
           library_symbol("ncclGetErrorString", &loaded.getErrorString)},
          &tried)
          .handle;
  if (loaded.lib == nullptr) return tries_text(tried) + " (NCCL 2 is needed)";
  *n = loaded;
  return "";
}

// { missing: "<why>" } when NCCL does not load, else nullptr-like (an empty value).
bool report_missing(const Napi::Env& env, Napi::Value* out) {
  const std::string why = load_nccl(&g_nccl);
  if (why.empty()) return false;
  Napi::Object o = Napi::Object::New(env);
  o.Set("missing", why);
  *out = o;
  return true;
}

void check(const Args& args, int code, const char* what) {
  if (code != 0) args.rangeError(std::string(what) + " failed: " + g_nccl.getErrorString(code));
}

void need_comm(const Args& args) {
  if (g_nccl.comm == nullptr) args.rangeError("NCCL has no communicator (call ncclInitRank first)");
}

// An in-place collective on the first `count` floats of a buffer: (buffer, count) all-reduce (sum), or
// (buffer, count, root) broadcast; on the flavour's stream.
Napi::Value in_place(const Napi::CallbackInfo& info, const char* name, bool rooted) {
  const Args args(info, name, rooted ? 3 : 2);
  need_comm(args);
  cuda::DeviceBuffer* buf = cuda::buffer_arg(args, info, 0, "buffer");
  const size_t count = args.size(1, "count");
  cuda::need(args, buf, count, "buffer");
  const int code =
      rooted ? g_nccl.broadcast(buf->ptr, buf->ptr, count, kFloat32,
                                static_cast<int>(args.size(2, "root", 2147483647.0)), g_nccl.comm, cuda::stream())
             : g_nccl.allReduce(buf->ptr, buf->ptr, count, kFloat32, kSum, g_nccl.comm, cuda::stream());
  check(args, code, rooted ? "ncclBroadcast" : "ncclAllReduce");
  return info.Env().Undefined();
}

}  // namespace

Napi::Value NcclUniqueId(const Napi::CallbackInfo& info) {
  const Args args(info, "ncclUniqueId", 0);
  Napi::Value missing;
  if (report_missing(info.Env(), &missing)) return missing;
  UniqueId id;
  check(args, g_nccl.getUniqueId(&id), "ncclGetUniqueId");
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), kUniqueIdBytes);
  std::memcpy(out.Data(), id.internal, kUniqueIdBytes);
  return out;
}

Napi::Value NcclInitRank(const Napi::CallbackInfo& info) {
  const Args args(info, "ncclInitRank", 3);
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      info[0].As<Napi::Uint8Array>().ElementLength() != kUniqueIdBytes) {
    args.typeError("id", "a Uint8Array of 128 bytes (from ncclUniqueId on rank 0)");
  }
  const size_t size = args.size(2, "size", 2147483647.0);
  const size_t rank = args.size(1, "rank", 2147483647.0);
  if (size < 1 || rank >= size) args.rangeError("argument 'rank' must be in [0, size)");
  Napi::Value missing;
  if (report_missing(info.Env(), &missing)) return missing;
  if (g_nccl.comm != nullptr) args.rangeError("NCCL already has a communicator (ncclDestroy first)");
  UniqueId id;
  std::memcpy(id.internal, info[0].As<Napi::Uint8Array>().Data(), kUniqueIdBytes);
  check(args, g_nccl.commInitRank(&g_nccl.comm, static_cast<int>(size), id, static_cast<int>(rank)),
        "ncclCommInitRank");
  return info.Env().Undefined();
}

Napi::Value NcclAllReduceSum(const Napi::CallbackInfo& info) { return in_place(info, "ncclAllReduceSum", false); }

Napi::Value NcclBroadcast(const Napi::CallbackInfo& info) { return in_place(info, "ncclBroadcast", true); }

Napi::Value NcclDestroy(const Napi::CallbackInfo& info) {
  const Args args(info, "ncclDestroy", 0);
  if (g_nccl.comm != nullptr) {
    const int code = g_nccl.commDestroy(g_nccl.comm);
    g_nccl.comm = nullptr;
    check(args, code, "ncclCommDestroy");
  }
  return info.Env().Undefined();
}

}  // namespace myelin
