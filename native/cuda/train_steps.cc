// Training steps launched back to back without returning to JavaScript: for each step, gather the batch rows
// of the data set into the inputs of the step's CUDA graph (the recorded forward and backward pass), launch
// the graph, launch the optimizer step with that step's learning rate and number, and copy the step's loss
// into the epoch's loss vector. The batch indices and the optimizer's chunk table go to the device once per
// call. The host does not wait for the device.
//
// trainSteps(graph, optimizerCall, lrs, firstStep, x, xIn, y, yIn, indices, loss, losses, lossOffset)
//   as the CPU flavour's (native/cpu/train_steps.cc), with a graph from graphEnd() instead of a program and
//   cuda buffer handles instead of Float32Arrays (indices stay an Int32Array on the host).
#include <string>

#include "../common/exports.h"
#include "cuda.h"
#include "exports_cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Args args(info, "trainSteps", 12);
  const cudaGraphExec_t graph = graph_exec(args, info[0]);
  const PreparedOptimizer optimizer = prepare_optimizer_call(args, info[1]);
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    args.typeError("lrs", "a Float64Array");
  }
  const Napi::Float64Array lrs = info[2].As<Napi::Float64Array>();
  const double firstStep = args.num(3, "firstStep");
  if (!(firstStep >= 1) || firstStep != static_cast<double>(static_cast<int64_t>(firstStep))) {
    args.rangeError("argument 'firstStep' must be an integer >= 1");
  }
  DeviceBuffer *x = buffer_arg(args, info, 4, "x"), *xIn = buffer_arg(args, info, 5, "xIn");
  DeviceBuffer *y = buffer_arg(args, info, 6, "y"), *yIn = buffer_arg(args, info, 7, "yIn");
  const I32 idx = args.i32(8, "indices");
  DeviceBuffer *loss = buffer_arg(args, info, 9, "loss"), *losses = buffer_arg(args, info, 10, "losses");
  const size_t lossOffset = args.size(11, "lossOffset");
  const size_t steps = lrs.ElementLength();
  if (steps == 0) return info.Env().Undefined();
  if (idx.len % steps != 0) args.rangeError("indices.length must be a multiple of lrs.length (one batch per step)");
  const size_t batch = idx.len / steps;
  if (batch == 0 || xIn->len % batch != 0 || yIn->len % batch != 0) args.rangeError("xIn and yIn must hold whole rows of a batch");
  const size_t rowX = xIn->len / batch, rowY = yIn->len / batch;
  if (rowX == 0 || x->len % rowX != 0 || rowY == 0 || y->len % rowY != 0) args.rangeError("x and y must hold whole rows of xIn's and yIn's width");
  const size_t rows = x->len / rowX;
  if (y->len / rowY != rows) args.rangeError("x and y must have the same number of rows");
  for (size_t i = 0; i < idx.len; ++i) {
    if (idx.data[i] < 0 || static_cast<size_t>(idx.data[i]) >= rows) args.rangeError("indices[" + std::to_string(i) + "] is out of range");
  }
  if (loss->len < 1) args.rangeError("argument 'loss' is empty");
  need(args, losses, lossOffset + steps, "losses");
  require_ready(info.Env(), "trainSteps");

  const size_t idxBytes = idx.len * sizeof(int32_t);
  auto* dIdx = static_cast<int32_t*>(device_alloc(info.Env(), idxBytes));
  try {
    upload_async(info.Env(), dIdx, idx.data, idxBytes);
    const DeviceTable table(info.Env(), optimizer.table);
    for (size_t s = 0; s < steps; ++s) {
      launch_gather_rows(stream(), x->ptr, dIdx + s * batch, xIn->ptr, batch, rowX);
      launch_gather_rows(stream(), y->ptr, dIdx + s * batch, yIn->ptr, batch, rowY);
      check(info.Env(), cudaGraphLaunch(graph, stream()), "trainSteps: graph launch");
      if (!optimizer.table.empty()) {
        launch_multi_tensor(stream(), optimizer.kind, table.ptr, optimizer.table.size(),
                            optimizer.scalars(lrs[s], firstStep + static_cast<double>(s)));
      }
      check(info.Env(), cudaMemcpyAsync(losses->ptr + lossOffset + s, loss->ptr, sizeof(float), cudaMemcpyDeviceToDevice, stream()),
            "trainSteps: loss copy");
    }
    check_launch(info.Env(), "trainSteps");
  } catch (...) {
    device_free(dIdx, idxBytes);
    throw;
  }
  device_free(dIdx, idxBytes);  // stream-ordered: the gathers read it before any later reuse
  return info.Env().Undefined();
}

}  // namespace myelin
