// CUDA graphs of recorded training steps. JS replays a recorded step between graphBegin() and graphEnd():
// the stream is in capture mode, so the kernels are recorded into a graph instead of running, and
// graphLaunch(handle) then runs the whole step with one launch. A capture that would need the host in the
// middle (an upload through pinned staging memory, an allocation, a synchronisation) is spoiled: graphEnd()
// returns null and the caller keeps replaying call by call.
#include <string>

#include "cuda.h"

namespace myelin {
namespace cuda {

namespace {

bool g_capturing = false;
bool g_spoiled = false;

struct GraphBox {
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  size_t nodes = 0;
  void destroy() {
    if (exec) cudaGraphExecDestroy(exec);
    if (graph) cudaGraphDestroy(graph);
    exec = nullptr;
    graph = nullptr;
  }
};

// Tags graph handles, so that another addon handle passed as a graph is refused, not misread.
const napi_type_tag kGraphTag = {0x6d79656c696e2d67ULL, 0x72617068000000a1ULL};

// The graph behind a handle from graphEnd(); TypeError naming args' function for anything else.
GraphBox* graph_box(const Args& args, const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<GraphBox>>().CheckTypeTag(&kGraphTag)) {
    args.typeError("graph", "a graph handle from graphEnd()");
  }
  return handle.As<Napi::External<GraphBox>>().Data();
}

}  // namespace

cudaGraphExec_t graph_exec(const Args& args, const Napi::Value& handle) {
  GraphBox* box = graph_box(args, handle);
  if (box->exec == nullptr) args.rangeError("the graph was released");
  return box->exec;
}

void spoil_capture() {
  if (g_capturing) g_spoiled = true;
}

bool capturing() { return g_capturing; }

}  // namespace cuda

using namespace cuda;

// graphBegin(): starts capturing the stream's work (nothing runs until graphLaunch).
Napi::Value GraphBegin(const Napi::CallbackInfo& info) {
  Args args(info, "graphBegin", 0);
  require_ready(info.Env(), "graphBegin");
  if (g_capturing) args.rangeError("a capture is already in progress (graphEnd() it first)");
  check(info.Env(), cudaStreamBeginCapture(stream(), cudaStreamCaptureModeThreadLocal), "graphBegin");
  g_capturing = true;
  g_spoiled = false;
  return info.Env().Undefined();
}

// graphEnd() -> graph handle, or null when the captured work cannot run as a graph (see the file comment).
Napi::Value GraphEnd(const Napi::CallbackInfo& info) {
  Args args(info, "graphEnd", 0);
  if (!g_capturing) args.rangeError("no capture in progress (graphBegin() first)");
  g_capturing = false;
  cudaGraph_t graph = nullptr;
  const cudaError_t err = cudaStreamEndCapture(stream(), &graph);
  cudaGetLastError();
  if (err != cudaSuccess || graph == nullptr || g_spoiled) {
    if (graph) cudaGraphDestroy(graph);
    return info.Env().Null();
  }
  auto* box = new GraphBox();
  box->graph = graph;
  cudaGraphGetNodes(graph, nullptr, &box->nodes);
  if (cudaGraphInstantiate(&box->exec, graph, 0) != cudaSuccess) {
    cudaGetLastError();
    box->destroy();
    delete box;
    return info.Env().Null();
  }
  auto handle = Napi::External<GraphBox>::New(info.Env(), box, [](Napi::Env, GraphBox* b) {
    b->destroy();
    delete b;
  });
  handle.TypeTag(&kGraphTag);
  return handle;
}

// graphLaunch(graph): runs the captured work on the stream (asynchronously, in stream order).
Napi::Value GraphLaunch(const Napi::CallbackInfo& info) {
  Args args(info, "graphLaunch", 1);
  check(info.Env(), cudaGraphLaunch(graph_exec(args, info[0]), stream()), "graphLaunch");
  return info.Env().Undefined();
}

// graphRelease(graph): frees the graph now (the finalizer would otherwise); idempotent.
Napi::Value GraphRelease(const Napi::CallbackInfo& info) {
  Args args(info, "graphRelease", 1);
  graph_box(args, info[0])->destroy();
  return info.Env().Undefined();
}

// graphNodes(graph) -> the number of nodes (kernels, copies) in the graph.
Napi::Value GraphNodes(const Napi::CallbackInfo& info) {
  Args args(info, "graphNodes", 1);
  return Napi::Number::New(info.Env(), static_cast<double>(graph_box(args, info[0])->nodes));
}

}  // namespace myelin
