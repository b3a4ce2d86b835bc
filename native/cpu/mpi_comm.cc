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
//   mpiSetTimeout(ms)   how long a collective may wait (default 10 minutes) before a RangeError "distributed: ..."
// The collectives run as their non-blocking forms polled with MPI_Test, so that a rank that died or stalls makes the
// others fail after the timeout instead of waiting forever.
#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <iterator>
#include <thread>
#include <string>
#include <vector>

#include "../common/args.h"
#include "../common/dynamic_library.h"
#include "exports_cpu.h"
#include "mpi_comm.h"

namespace myelin {

namespace {

using Handle = void*;  // MPI_Comm, MPI_Datatype, MPI_Op in Open MPI: pointers to predefined objects
using InitFn = int (*)(int*, char***, int, int*);
using FlagFn = int (*)(int*);
using CommIntFn = int (*)(Handle, int*);
using AllreduceFn = int (*)(const void*, void*, int, Handle, Handle, Handle);
using BcastFn = int (*)(void*, int, Handle, int, Handle);
using AllgatherFn = int (*)(const void*, int, Handle, void*, int, Handle, Handle);
using CommFn = int (*)(Handle);
using VoidFn = int (*)();
using PointFn = int (*)(void*, int, Handle, int, int, Handle, mpi::Request*);  // MPI_Isend / MPI_Irecv
using TestFn = int (*)(mpi::Request*, int*, void*);
using RequestFn = int (*)(mpi::Request*);
using ErrhandlerFn = int (*)(Handle, Handle);
using IallreduceFn = int (*)(const void*, void*, int, Handle, Handle, Handle, mpi::Request*);
using IbcastFn = int (*)(void*, int, Handle, int, Handle, mpi::Request*);
using IallgatherFn = int (*)(const void*, int, Handle, void*, int, Handle, Handle, mpi::Request*);
using IbarrierFn = int (*)(Handle, mpi::Request*);

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
  PointFn isend = nullptr;
  PointFn irecv = nullptr;
  TestFn test = nullptr;
  RequestFn cancel = nullptr;
  RequestFn request_free = nullptr;
  ErrhandlerFn set_errhandler = nullptr;
  Handle errors_return = nullptr;
  IallreduceFn iallreduce = nullptr;
  IbcastFn ibcast = nullptr;
  IallgatherFn iallgather = nullptr;
  IbarrierFn ibarrier = nullptr;
  double timeoutMs = 600000;  // mpiSetTimeout
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
  g_mpi.lib = open_library(files,
                           {library_symbol("MPI_Init_thread", &g_mpi.init),
                            library_symbol("MPI_Initialized", &g_mpi.initialized),
                            library_symbol("MPI_Finalized", &g_mpi.finalized),
                            library_symbol("MPI_Comm_rank", &g_mpi.rank),
                            library_symbol("MPI_Comm_size", &g_mpi.size),
                            library_symbol("MPI_Allreduce", &g_mpi.allreduce),
                            library_symbol("MPI_Bcast", &g_mpi.bcast),
                            library_symbol("MPI_Allgather", &g_mpi.allgather),
                            library_symbol("MPI_Barrier", &g_mpi.barrier),
                            library_symbol("MPI_Finalize", &g_mpi.finalize),
                            library_symbol("MPI_Isend", &g_mpi.isend),
                            library_symbol("MPI_Irecv", &g_mpi.irecv),
                            library_symbol("MPI_Test", &g_mpi.test),
                            library_symbol("MPI_Cancel", &g_mpi.cancel),
                            library_symbol("MPI_Request_free", &g_mpi.request_free),
                            library_symbol("MPI_Comm_set_errhandler", &g_mpi.set_errhandler),
                            library_symbol("ompi_mpi_errors_return", &g_mpi.errors_return),
                            library_symbol("MPI_Iallreduce", &g_mpi.iallreduce),
                            library_symbol("MPI_Ibcast", &g_mpi.ibcast),
                            library_symbol("MPI_Iallgather", &g_mpi.iallgather),
                            library_symbol("MPI_Ibarrier", &g_mpi.ibarrier),
                            library_symbol("ompi_mpi_comm_world", &g_mpi.world),
                            library_symbol("ompi_mpi_float", &g_mpi.f32),
                            library_symbol("ompi_mpi_double", &g_mpi.f64),
                            library_symbol("ompi_mpi_op_sum", &g_mpi.sum)},
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

namespace mpi {

bool ready() { return g_mpi.ready; }

int rank() {
  int r = 0;
  g_mpi.rank(g_mpi.world, &r);
  return r;
}

int size() {
  int n = 1;
  g_mpi.size(g_mpi.world, &n);
  return n;
}

int isend_floats(const float* data, int count, int peer, int tag, Request* request) {
  return g_mpi.isend(const_cast<float*>(data), count, g_mpi.f32, peer, tag, g_mpi.world, request);
}

int irecv_floats(float* data, int count, int peer, int tag, Request* request) {
  return g_mpi.irecv(data, count, g_mpi.f32, peer, tag, g_mpi.world, request);
}

int test(Request* request, int* done) {
  if (*request == nullptr) {
    *done = 1;
    return 0;
  }
  const int code = g_mpi.test(request, done, nullptr);  // MPI_STATUS_IGNORE
  if (*done) *request = nullptr;
  return code;
}

void abandon(Request* request) {
  if (*request == nullptr) return;
  g_mpi.cancel(request);
  g_mpi.request_free(request);
  *request = nullptr;
}

}  // namespace mpi

namespace {

// Starts a non-blocking collective (`code` is what starting it returned) and polls it until done, yielding the core
// between polls; past the timeout (mpiSetTimeout) a RangeError "distributed: <what> ..." (the request is left: MPI
// cannot cancel a collective, so the world is unusable after it).
void complete(const Args& args, int code, mpi::Request* request, const char* what) {
  check(args, code, what);
  const auto from = std::chrono::steady_clock::now();
  for (size_t idle = 0;; ++idle) {
    int done = 0;
    check(args, mpi::test(request, &done), what);
    if (done) return;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - from).count();
    if (ms > g_mpi.timeoutMs) {
      args.rangeError(std::string("distributed: ") + what + " did not complete on rank " + std::to_string(mpi::rank()) +
                      " within " + std::to_string(static_cast<long long>(g_mpi.timeoutMs)) +
                      " ms (the timeout: init({ timeoutMs }) or MYELIN_DIST_TIMEOUT_MS): a rank died, stalled, or does "
                      "not make the same call; this world cannot be used any more: end the process");
    }
    if (idle < 200)
      sched_yield();
    else
      std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
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
    // MPI_THREAD_SERIALIZED (2 in Open MPI): training jobs call MPI from a worker thread (mpi_comm.h).
    int provided = 0;
    if (!done) check(args, g_mpi.init(nullptr, nullptr, 2, &provided), "MPI_Init_thread");
    check(args, g_mpi.set_errhandler(g_mpi.world, g_mpi.errors_return), "MPI_Comm_set_errhandler");
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
  mpi::Request request = nullptr;
  complete(args,
           g_mpi.iallreduce(reinterpret_cast<void*>(1), b.data, count_of(args, b.len), b.type, g_mpi.sum, g_mpi.world,
                            &request),
           &request, "MPI_Iallreduce");
  return info.Env().Undefined();
}

Napi::Value MpiBroadcast(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBroadcast", 2);
  need_ready(args);
  const Buffer b = float_buffer(args, 0, "buffer");
  const int root = static_cast<int>(args.size(1, "root", 2147483647.0));
  mpi::Request request = nullptr;
  complete(args, g_mpi.ibcast(b.data, count_of(args, b.len), b.type, root, g_mpi.world, &request), &request,
           "MPI_Ibcast");
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
  mpi::Request request = nullptr;
  complete(args, g_mpi.iallgather(send.data, n, g_mpi.f64, recv.data, n, g_mpi.f64, g_mpi.world, &request), &request,
           "MPI_Iallgather");
  return info.Env().Undefined();
}

Napi::Value MpiBarrier(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBarrier", 0);
  need_ready(args);
  mpi::Request request = nullptr;
  complete(args, g_mpi.ibarrier(g_mpi.world, &request), &request, "MPI_Ibarrier");
  return info.Env().Undefined();
}

Napi::Value MpiSetTimeout(const Napi::CallbackInfo& info) {
  const Args args(info, "mpiSetTimeout", 1);
  const double ms = args.value(0).ToNumber().DoubleValue();
  if (!(ms > 0)) args.rangeError("argument 'timeoutMs' must be a positive number of milliseconds");
  g_mpi.timeoutMs = ms;
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
