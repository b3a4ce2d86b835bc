// Training steps run natively back to back: for each step, gather the batch rows of the data set into the
// inputs of a compiled program (the recorded forward and backward pass), run it, apply the optimizer step
// with that step's learning rate and number, and keep the step's loss. What `fit` does per batch, without
// returning to JavaScript in between.
//
// trainSteps(program, optimizerCall, lrs, firstStep, x, xIn, y, yIn, indices, loss, losses, lossOffset)
//   program        from compileProgram: reads its batch from xIn and yIn, writes the scalar loss into `loss`
//   optimizerCall  [entryName, ...arguments] of one optimizer step (sgdStep, adamStep, adagradStep, rmspropStep);
//                  its own learning rate and step number are replaced by lrs[s] and firstStep + s
//   lrs            Float64Array, one learning rate per step (its length is the number of steps)
//   x, y           the data set, [n, rowX] and [n, rowY] floats; xIn, yIn: the program's inputs, [batch, row]
//   indices        Int32Array of steps * batch row indices, batch after batch
//   losses         Float32Array; step s's loss goes to losses[lossOffset + s]
#include <algorithm>
#include <map>
#include <string>

#include "../common/train_steps_args.h"
#include "exports_cpu.h"
#include "kernel.h"
#include "train_step.h"

namespace myelin {

namespace {

struct OptimizerEntry {
  PrepareOptimizerFn prepare;
  size_t count;
};

const std::map<std::string, OptimizerEntry>& optimizer_table() {
#define MYELIN_OPTIMIZER_ROW(js, Name, count, lrArg, stepArg) {#js, OptimizerEntry{Prepare##Name, count}},
  static const std::map<std::string, OptimizerEntry> table{MYELIN_OPTIMIZER_STEPS(MYELIN_OPTIMIZER_ROW)};
#undef MYELIN_OPTIMIZER_ROW
  return table;
}

}  // namespace

OptimizerKernel prepare_optimizer(const Args& args, const Napi::Value& value) {
  CallValue call;
  if (!read_call(value, &call)) args.typeError("optimizerCall", "[entryName, ...arguments] of an optimizer step");
  const auto entry = optimizer_table().find(call.name);
  if (entry == optimizer_table().end()) args.rangeError("'" + call.name + "' is not an optimizer step");
  return entry->second.prepare(Args(args.env(), call.argv, call.argc, entry->first.c_str(), entry->second.count));
}

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Args args(info, "trainSteps", 12);
  const Napi::Value programArg = info[0];
  const OptimizerKernel optimizer = prepare_optimizer(args, info[1]);
  const F32 x = args.f32(4, "x"), xIn = args.f32(5, "xIn"), y = args.f32(6, "y"), yIn = args.f32(7, "yIn");
  const F32 loss = args.f32(9, "loss"), losses = args.f32(10, "losses");
  const TrainStepsLayout t = train_steps_layout(args, x.len, xIn.len, y.len, yIn.len, loss.len, losses.len);
  if (t.steps == 0) return info.Env().Undefined();
  const StepKind kind{&program_kernels(args, programArg), optimizer, xIn, yIn, loss, t.batch};
  for (size_t s = 0; s < t.steps; ++s) {
    losses.data[t.lossOffset + s] = run_step(kind, x.data, t.rowX, y.data, t.rowY, t.indices.data + s * t.batch, t.lrs.data[s],
                                             t.firstStep + static_cast<double>(s));
  }
  return info.Env().Undefined();
}

}  // namespace myelin
