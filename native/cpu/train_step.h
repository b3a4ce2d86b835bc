// What trainSteps (train_steps.cc) and trainEpochs (train_epochs.cc) share: one kind of training step (a compiled
// program with the optimizer step for its gradients) and running it on one batch.
#pragma once

#include <napi.h>

#include <algorithm>
#include <vector>

#include "../common/args.h"
#include "kernel.h"

namespace myelin {

// A prepared optimizer step from [entryName, ...arguments] (sgdStep, adamStep, adagradStep, rmspropStep);
// TypeError / RangeError naming `args`' function otherwise.
OptimizerKernel prepare_optimizer(const Args& args, const Napi::Value& call);

// The program of batches of `batch` rows, its inputs and loss, and the optimizer step for its gradients.
struct StepKind {
  const std::vector<Kernel>* kernels;
  OptimizerKernel optimizer;
  F32 xIn, yIn, loss;
  size_t batch;
};

// One training step on the rows `rows` (kind.batch of them) of x [n, rowX] and y [n, rowY]: gathers them into the
// program's inputs, runs it, stores the learning rate `lr` into the optimizer's buffer (as a float, as the
// optimizer itself writes it), applies the optimizer step (which advances the buffer's step count), and returns
// the loss.
inline float run_step(const StepKind& kind, const float* x, size_t rowX, const float* y, size_t rowY,
                      const int32_t* rows, double lr) {
  for (size_t r = 0; r < kind.batch; ++r) {
    const size_t src = static_cast<size_t>(rows[r]);
    std::copy(x + src * rowX, x + (src + 1) * rowX, kind.xIn.data + r * rowX);
    std::copy(y + src * rowY, y + (src + 1) * rowY, kind.yIn.data + r * rowY);
  }
  for (const Kernel& k : *kind.kernels) k();
  kind.optimizer.hyper[0] = static_cast<float>(lr);
  kind.optimizer.step();
  return kind.loss.data[0];
}

}  // namespace myelin
