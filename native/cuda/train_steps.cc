// Training steps launched back to back without returning to JavaScript: for each step, gather the batch rows
// of the data set into the inputs of the step's CUDA graph (the recorded forward and backward pass; x and y in
// one launch), launch the graph, then launch the optimizer step with that step's learning rate and number,
// which also stores the step's loss into the epoch's loss vector: three launches a step. The batch indices and
// the optimizer's chunk table go to the device once per call. The host does not wait for the device.
//
// trainSteps(graph, optimizerCall, lrs, firstStep, x, xIn, y, yIn, indices, loss, losses, lossOffset)
//   as the CPU flavour's (native/cpu/train_steps.cc), with a graph from graphEnd() instead of a program and
//   cuda buffer handles instead of Float32Arrays (indices stay an Int32Array on the host).
#include <string>

#include "../common/exports.h"
#include "../common/train_steps_args.h"
#include "cuda.h"
#include "exports_cuda.h"
#include "kernels.h"

namespace myelin {

using namespace cuda;

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Args args(info, "trainSteps", 12);
  const cudaGraphExec_t graph = graph_exec(args, info[0]);
  const PreparedOptimizer optimizer = prepare_optimizer_call(args, info[1]);
  DeviceBuffer *x = buffer_arg(args, info, 4, "x"), *xIn = buffer_arg(args, info, 5, "xIn");
  DeviceBuffer *y = buffer_arg(args, info, 6, "y"), *yIn = buffer_arg(args, info, 7, "yIn");
  DeviceBuffer *loss = buffer_arg(args, info, 9, "loss"), *losses = buffer_arg(args, info, 10, "losses");
  const TrainStepsLayout t = train_steps_layout(args, x->len, xIn->len, y->len, yIn->len, loss->len, losses->len);
  if (t.steps == 0) return info.Env().Undefined();
  require_ready(info.Env(), "trainSteps");

  // The indices and the optimizer's chunk table go to the device once; both are freed in stream order.
  const DeviceIndices idx(info.Env(), t.indices);
  const DeviceTable table(info.Env(), optimizer.table);
  for (size_t s = 0; s < t.steps; ++s) {
    launch_gather_row_pairs(stream(), x->ptr, xIn->ptr, t.rowX, y->ptr, yIn->ptr, t.rowY, idx.ptr + s * t.batch,
                            t.batch);
    check(info.Env(), cudaGraphLaunch(graph, stream()), "trainSteps: graph launch");
    float* const lossOut = losses->ptr + t.lossOffset + s;
    if (!optimizer.table.empty()) {
      // The optimizer launch also stores the step's loss.
      launch_multi_tensor(stream(), optimizer.kind, table.ptr, optimizer.table.size(),
                          optimizer.scalars(t.lrs.data[s], t.firstStep + static_cast<double>(s)), loss->ptr, lossOut);
    } else {
      check(info.Env(), cudaMemcpyAsync(lossOut, loss->ptr, sizeof(float), cudaMemcpyDeviceToDevice, stream()),
            "trainSteps: loss copy");
    }
  }
  check_launch(info.Env(), "trainSteps");
  return info.Env().Undefined();
}

}  // namespace myelin
