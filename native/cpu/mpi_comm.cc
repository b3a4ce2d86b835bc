// MPI collectives for lib/distributed (data-parallel training), reached through dlopen so that the addon links
// against no MPI and loads on machines without one. Open MPI's ABI (libmpi.so.40): its handles
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM...) are the addresses of exported globals (ompi_mpi_comm_world...), found
// with dlsym (libmpi.so.40, then libmpi.so; MYELIN_MPI_LIBRARY=<path> names another); the library is opened RTLD_GLOBAL
// because its plugins resolve libmpi's symbols from the global scope. Every call runs on the JavaScript thread and
// blocks until the collective completes on every rank.
//
// JS entries (NativeCpuAddon in lib/native/addon-types.ts):
//   mpiInit() -> { rank, size } | { missing: "<what dlopen said>" }   MPI_Init (once; MPI_Initialized guards)
//   mpiAllReduceSum(buf: Float32Array | Float64Array)                  in place, MPI_SUM over MPI_COMM_WORLD
//   mpiBroadcast(buf: Float32Array | Float64Array, root)              in place, from `root`
//   mpiAllGather(send: Float64Array, recv: Float64Array)              recv = size * send.length doubles, rank order
//   mpiBarrier(), mpiFinalize()
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "../common/args.h"
#include "../common/dynamic_library.h"
#include "exports_cpu.h"

namespace myelin {

namespace {

using Handle = void*;  // MPI_Comm, MPI_Datatype, MPI_Op in Open MPI: pointers to predefined objects
using InitFn = int (*)(int*, char***);
using FlagFn = int (*)(int*);
using CommIntFn = int (*)(Handle, int*);
using AllreduceFn = int (*)(const void*, void*, int, Handle, Handle, Handle);
using BcastFn = int (*)(void*, int, Handle, int, Handle);
using AllgatherFn = int (*)(const void*, int, Handle, void*, int, Handle, Handle);
using CommFn = int (*)(Handle);
using VoidFn = int (*)();

struct Mpi {
  void* lib = nullptr;
  InitFn init = nullptr;
  FlagFn initialized = nullptr;
  FlagFn finalized = nullptr;
  CommIntFn rank = nullptr;
  CommIntFn size = nullptr;
  AllreduceFn allreduce = nullptr;
  BcastFn bcast = nullptr;
  AllgatherFn allgather = nullptr;
  CommFn barrier = nullptr;
  VoidFn finalize = nullptr;
  Handle world = nullptr;
  Handle f32 = nullptr;
  Handle f64 = nullptr;
  Handle sum = nullptr;
  bool ready = false;
};

Mpi g_mpi;

const char* const kLibraries[] = {"libmpi.so.40", "libmpi.so"};

// Opens the library and resolves every symbol (native/common/dynamic_library.h); "" on success, else every
// file tried and why it failed.
std::string open_mpi() {
  // MYELIN_MPI_LIBRARY=<path>: only that file (another Open MPI install; tests of a missing library).
  const char* chosen = std::getenv("MYELIN_MPI_LIBRARY");
  const std::vector<std::string> files = chosen != nullptr && *chosen != '\0'
                                             ? std::vector<std::string>{chosen}
                                             : std::vector<std::string>(std::begin(kLibraries), std::end(kLibraries));
  std::vector<std::string> tried;
  LibraryOptions options;
  options.global = true;
  g_mpi.lib =
      open_library(files,
                   {library_symbol("MPI_Init", &g_mpi.init), library_symbol("MPI_Initialized", &g_mpi.initialized),
                    library_symbol("MPI_Finalized", &g_mpi.finalized), library_symbol("MPI_Comm_rank", &g_mpi.rank),
                    library_symbol("MPI_Comm_size", &g_mpi.size), library_symbol("MPI_Allreduce", &g_mpi.allreduce),
                    library_symbol("MPI_Bcast", &g_mpi.bcast), library_symbol("MPI_Allgather", &g_mpi.allgather),
                    library_symbol("MPI_Barrier", &g_mpi.barrier), library_symbol("MPI_Finalize", &g_mpi.finalize),
                    library_symbol("ompi_mpi_comm_world", &g_mpi.world), library_symbol("ompi_mpi_float", &g_mpi.f32),
                    library_symbol("ompi_mpi_double", &g_mpi.f64), library_symbol("ompi_mpi_op_sum", &g_mpi.sum)},
                   &tried, options)
          .handle;
  return g_mpi.lib != nullptr ? std::string() : tries_text(tried) + " (an Open MPI libmpi.so.40 is needed)";
}

void need_ready(const Args& args) {
  if (!g_mpi.ready) args.rangeError("MPI is not initialized (call mpiInit first)");
}

void check(const Args& args, int code, const char* what) {
  if (code != 0) args.rangeError(std::string(what) + " failed with MPI error code " + std::to_string(code));
}

// A Float32Array or Float64Array argument: its data, element count and MPI datatype.
struct Buffer {
  void* data;
  size_t len;
  Handle type;
};

Buffer float_buffer(const Args& args, size_t i, const char* name) {
  const Napi::Value v = args.value(i);
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    const F64 b = args.f64(i, name);
    return {b.data, b.len, g_mpi.f64};
  }
  const F32 b = args.f32(i, name);
  return {b.data, b.len, g_mpi.f32};
}

int count_of(const Args& args, size_t len) {
  if (len > 2147483647u) args.rangeError("a buffer of more than 2^31 - 1 elements cannot go through one MPI call");
  return static_cast<int>(len);
}

}  // namespace

Napi::Value MpiInit(const Napi::CallbackInfo& info) {
  Args args(info, "mpiInit", 0);
  Napi::Object out = Napi::Object::New(info.Env());
  if (!g_mpi.ready) {
    if (g_mpi.lib == nullptr) {
      const std::string why = open_mpi();
      if (!why.empty()) {
        out.Set("missing", why);
        return out;
      }
    }
    int done = 0;
    check(args, g_mpi.initialized(&done), "MPI_Initialized");
    if (!done) check(args, g_mpi.init(nullptr, nullptr), "MPI_Init");
    g_mpi.ready = true;
  }
  int rank = 0;
  int size = 1;
  check(args, g_mpi.rank(g_mpi.world, &rank), "MPI_Comm_rank");
  check(args, g_mpi.size(g_mpi.world, &size), "MPI_Comm_size");
  out.Set("rank", rank);
  out.Set("size", size);
  return out;
}

Napi::Value MpiAllReduceSum(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllReduceSum", 1);
  need_ready(args);
  const Buffer b = float_buffer(args, 0, "buffer");
  // MPI_IN_PLACE is ((void*)1) in Open MPI.
  check(args,
        g_mpi.allreduce(reinterpret_cast<void*>(1), b.data, count_of(args, b.len), b.type, g_mpi.sum, g_mpi.world),
        "MPI_Allreduce");
  return info.Env().Undefined();
}

Napi::Value MpiBroadcast(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBroadcast", 2);
  need_ready(args);
  const Buffer b = float_buffer(args, 0, "buffer");
  const int root = static_cast<int>(args.size(1, "root", 2147483647.0));
  check(args, g_mpi.bcast(b.data, count_of(args, b.len), b.type, root, g_mpi.world), "MPI_Bcast");
  return info.Env().Undefined();
}

Napi::Value MpiAllGather(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllGather", 2);
  need_ready(args);
  const F64 send = args.f64(0, "send");
  const F64 recv = args.f64(1, "recv");
  int size = 1;
  check(args, g_mpi.size(g_mpi.world, &size), "MPI_Comm_size");
  if (recv.len != send.len * static_cast<size_t>(size))
    args.rangeError("argument 'recv' must hold size * send.length doubles");
  const int n = count_of(args, send.len);
  check(args, g_mpi.allgather(send.data, n, g_mpi.f64, recv.data, n, g_mpi.f64, g_mpi.world), "MPI_Allgather");
  return info.Env().Undefined();
}

Napi::Value MpiBarrier(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBarrier", 0);
  need_ready(args);
  check(args, g_mpi.barrier(g_mpi.world), "MPI_Barrier");
  return info.Env().Undefined();
}

Napi::Value MpiFinalize(const Napi::CallbackInfo& info) {
  Args args(info, "mpiFinalize", 0);
  if (g_mpi.ready) {
    int done = 0;
    g_mpi.finalized(&done);
    if (!done) check(args, g_mpi.finalize(), "MPI_Finalize");
    g_mpi.ready = false;
  }
  return info.Env().Undefined();
}

}  // namespace myelin
