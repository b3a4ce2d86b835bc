// Training steps launched back to back without returning to JavaScript: for each step, gather the batch rows
// of the data set into the inputs of the step's CUDA graph (the recorded forward and backward pass; x and y in
// one launch), launch the graph, then launch the optimizer step, which reads the learning rate and step number
// from the optimizer's hyper buffer, advances its count (its last block to finish) and also stores the step's
// loss into the epoch's loss vector: three launches a step. Where the rate changes from one step to the next (a
// schedule), a device-to-device copy stores the step's rate into the hyper buffer first, from the run's rates
// uploaded once. The batch indices, the rates and the optimizer's chunk table go to the device once per call.
// The host does not wait for the device.
//
// trainSteps(graph, optimizerCall, lrs, x, xIn, y, yIn, indices, loss, losses, lossOffset)
//   as the CPU flavour's (native/cpu/train_steps.cc), with a graph from graphEnd() instead of a program and
//   cuda buffer handles instead of Float32Arrays (indices stay an Int32Array on the host).
#include <string>
#include <vector>

#include "../common/exports.h"
#include "../common/train_steps_args.h"
#include "cuda.h"
#include "exports_cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

namespace {

// The learning rates of a run as floats on the device (what the optimizer's hyper buffer holds), for as long as
// this object lives: uploaded through the staging ring, freed in stream order after the copies that read them.
struct DeviceRates {
  float* ptr = nullptr;
  size_t bytes = 0;
  DeviceRates(Napi::Env env, const F64& lrs) : bytes(lrs.len * sizeof(float)) {
    std::vector<float> rates(lrs.data, lrs.data + lrs.len);
    ptr = static_cast<float*>(device_alloc(env, bytes));
    try {
      upload_async(env, ptr, rates.data(), bytes);
    } catch (...) {
      device_free(ptr, bytes);
      throw;
    }
  }
  ~DeviceRates() { device_free(ptr, bytes); }
  DeviceRates(const DeviceRates&) = delete;
  DeviceRates& operator=(const DeviceRates&) = delete;
};

}  // namespace

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Args args(info, "trainSteps", 11);
  const cudaGraphExec_t graph = graph_exec(args, info[0]);
  const PreparedOptimizer optimizer = prepare_optimizer_call(args, info[1]);
  DeviceBuffer *x = buffer_arg(args, info, 3, "x"), *xIn = buffer_arg(args, info, 4, "xIn");
  DeviceBuffer *y = buffer_arg(args, info, 5, "y"), *yIn = buffer_arg(args, info, 6, "yIn");
  DeviceBuffer *loss = buffer_arg(args, info, 8, "loss"), *losses = buffer_arg(args, info, 9, "losses");
  const TrainStepsLayout t = train_steps_layout(args, x->len, xIn->len, y->len, yIn->len, loss->len, losses->len);
  if (t.steps == 0) return info.Env().Undefined();
  require_ready(info.Env(), "trainSteps");

  // The indices, the rates and the optimizer's chunk table go to the device once; all are freed in stream order.
  const DeviceIndices idx(info.Env(), t.indices);
  const DeviceRates rates(info.Env(), t.lrs);
  const DeviceTable table(info.Env(), optimizer.table);
  for (size_t s = 0; s < t.steps; ++s) {
    launch_gather_row_pairs(stream(), x->ptr, xIn->ptr, t.rowX, y->ptr, yIn->ptr, t.rowY, idx.ptr + s * t.batch,
                            t.batch);
    check(info.Env(), cudaGraphLaunch(graph, stream()), "trainSteps: graph launch");
    if (s == 0 || static_cast<float>(t.lrs.data[s]) != static_cast<float>(t.lrs.data[s - 1])) {
      check(info.Env(),
            cudaMemcpyAsync(optimizer.hyper, rates.ptr + s, sizeof(float), cudaMemcpyDeviceToDevice, stream()),
            "trainSteps: learning rate copy");
    }
    float* const lossOut = losses->ptr + t.lossOffset + s;
    if (!optimizer.table.empty()) {
      // The optimizer launch also stores the step's loss.
      launch_multi_tensor(stream(), optimizer.kind, table.ptr, optimizer.table.size(), optimizer.base, optimizer.hyper,
                          loss->ptr, lossOut);
    } else {
      check(info.Env(), cudaMemcpyAsync(lossOut, loss->ptr, sizeof(float), cudaMemcpyDeviceToDevice, stream()),
            "trainSteps: loss copy");
      launch_multi_tensor(stream(), optimizer.kind, nullptr, 0, optimizer.base, optimizer.hyper);
    }
  }
  check_launch(info.Env(), "trainSteps");
  return info.Env().Undefined();
}

}  // namespace myelin
