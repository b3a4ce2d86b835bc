// Training steps run natively back to back: for each step, gather the batch rows of the data set into the
// inputs of a compiled program (the recorded forward and backward pass), run it, apply the optimizer step
// with that step's learning rate and number, and keep the step's loss. What `fit` does per batch, without
// returning to JavaScript in between.
//
// trainSteps(program, optimizerCall, lrs, x, xIn, y, yIn, indices, loss, losses, lossOffset)
//   program        from compileProgram: reads its batch from xIn and yIn, writes the scalar loss into `loss`
//   optimizerCall  [entryName, ...arguments] of one optimizer step (sgdStep, adamStep, adagradStep, rmspropStep);
//                  it reads the learning rate and step number from its `hyper` buffer and advances the count
//   lrs            Float64Array, one learning rate per step (its length is the number of steps), stored into
//                  the optimizer's `hyper` buffer before each step
//   x, y           the data set, [n, rowX] and [n, rowY] floats; xIn, yIn: the program's inputs, [batch, row]
//   indices        Int32Array of steps * batch row indices, batch after batch
//   losses         Float32Array; step s's loss goes to losses[lossOffset + s]
//
// trainStepsAsync(...the same 11 arguments..., control) runs the same steps on a worker thread (async_job.h) and
// returns a Promise of the number of steps run; it stops between two steps once control[0] != 0.
#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "../common/train_steps_args.h"
#include "async_job.h"
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
#define MYELIN_OPTIMIZER_ROW(js, Name, count) {#js, OptimizerEntry{Prepare##Name, count}},
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

namespace {

// Steps of one kind over consecutive batches of row indices.
class TrainStepsJob final : public StepJob {
 public:
  TrainStepsJob(const StepKind& kind, F32 x, F32 y, F32 losses, const TrainStepsLayout& t)
      : kind_(kind), x_(x), y_(y), losses_(losses), t_(t) {}

  size_t run() override {
    size_t s = 0;
    for (; s < t_.steps && !stop_requested(); ++s) {
      losses_.data[t_.lossOffset + s] =
          run_step(kind_, x_.data, t_.rowX, y_.data, t_.rowY, t_.indices.data + s * t_.batch, t_.lrs.data[s]);
    }
    return s;
  }

 private:
  StepKind kind_;
  F32 x_, y_, losses_;
  TrainStepsLayout t_;
};

// The job of trainSteps(Async)'s first 11 arguments.
std::unique_ptr<TrainStepsJob> prepare_train_steps(const Napi::CallbackInfo& info, const Args& args) {
  const OptimizerKernel optimizer = prepare_optimizer(args, info[1]);
  const F32 x = args.f32(3, "x"), xIn = args.f32(4, "xIn"), y = args.f32(5, "y"), yIn = args.f32(6, "yIn");
  const F32 loss = args.f32(8, "loss"), losses = args.f32(9, "losses");
  const TrainStepsLayout t = train_steps_layout(args, x.len, xIn.len, y.len, yIn.len, loss.len, losses.len);
  const std::vector<Kernel>* kernels = t.steps == 0 ? nullptr : &program_kernels(args, info[0]);
  return std::make_unique<TrainStepsJob>(StepKind{kernels, optimizer, xIn, yIn, loss, t.batch}, x, y, losses, t);
}

}  // namespace

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  const Args args(info, "trainSteps", 11);
  try {
    prepare_train_steps(info, args)->run();
  } catch (const ProgramFailure& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value TrainStepsAsync(const Napi::CallbackInfo& info) {
  const Args args(info, "trainStepsAsync", 12);
  std::unique_ptr<TrainStepsJob> job = prepare_train_steps(info, args);
  job->set_control(control_word(args, 11));
  return run_async(info.Env(), std::move(job), arguments_of(info));
}

}  // namespace myelin
