// Kernels whose arguments are converted and checked once and that run later on the raw pointers they captured.
// A live call prepares and runs at once (the entry points below); a compiled program (program.cc) prepares
// every recorded call once and runs the list many times, while it holds the JS arrays behind the pointers.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "../common/args.h"
#include "../common/exports.h"

namespace myelin {

// A prepared kernel; empty when the call has nothing to do (a zero-sized operand).
using Kernel = std::function<void()>;
using PrepareFn = Kernel (*)(const Args& args);

// The kernels a program can hold: X(jsName, EntryName, argumentCount), the shared kernels of
// native/common/exports.h and the CPU's own binarySame. Each has a `Kernel Prepare<EntryName>(const Args&)` and an
// entry point `EntryName` that prepares and runs it (entries.cc).
#define MYELIN_CPU_KERNELS(X) \
  MYELIN_KERNELS(X)           \
  X(binarySame, BinarySame, 5)

#define MYELIN_DECLARE_PREPARE(js, Name, count) Kernel Prepare##Name(const Args& args);
MYELIN_CPU_KERNELS(MYELIN_DECLARE_PREPARE)
#undef MYELIN_DECLARE_PREPARE

// A prepared optimizer step: `step` updates every parameter with the learning rate hyper[0] and the step number
// hyper[1] + 1 it reads from the optimizer's [learningRate, stepsDone] buffer, then stores that step number into
// hyper[1]. A run of training steps stores each step's rate into hyper[0] first (train_step.h).
struct OptimizerKernel {
  Kernel step;
  float* hyper;
};
using PrepareOptimizerFn = OptimizerKernel (*)(const Args& args);

// The optimizer steps (MYELIN_OPTIMIZER_STEPS of native/common/exports.h) each have
// `OptimizerKernel Prepare<EntryName>(const Args&)` and an entry point that prepares and runs it (entries.cc).
#define MYELIN_DECLARE_PREPARE_OPTIMIZER(js, Name, count) OptimizerKernel Prepare##Name(const Args& args);
MYELIN_OPTIMIZER_STEPS(MYELIN_DECLARE_PREPARE_OPTIMIZER)
#undef MYELIN_DECLARE_PREPARE_OPTIMIZER

// The kernels of a program handle from compileProgram (program.cc); TypeError naming `args`' function otherwise.
const std::vector<Kernel>& program_kernels(const Args& args, const Napi::Value& handle);

// The memory a typed-array argument of a compiled kernel spans.
struct MemorySpan {
  const char* data;
  size_t bytes;
};

// What code that wraps a program's kernels needs (gradient_sync.cc): the kernels (replaceable), per kernel the
// memory its typed-array arguments span, and a slot whose object lives as long as the program.
struct ProgramHooks {
  std::vector<Kernel>* kernels;
  const std::vector<std::vector<MemorySpan>>* spans;
  std::shared_ptr<void>* attachment;
};
ProgramHooks program_hooks(const Args& args, const Napi::Value& handle);

// Thrown by a kernel that cannot finish (a distributed peer that never came): runProgram turns it into a JS Error,
// an off-thread job into a rejected Promise, both with this message.
class ProgramFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace myelin
