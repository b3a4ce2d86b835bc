// Whole epochs of training run natively: per epoch, the order of the samples (0..n-1, shuffled with the xoshiro128**
// stream of lib/tensor/random.ts when a generator state is given, as Random.permutation would), then the batches in
// that order, each one training step (train_step.h): full batches with the first step kind, the last, smaller batch
// (when batchSize does not divide n) with the second. What `fit` does over several epochs when nothing in
// JavaScript needs the epochs one by one.
//
// trainEpochs(kinds, lrs, firstStep, x, y, batchSize, epochs, rngState, epochLosses)
//   kinds      [[program, optimizerCall, xIn, yIn, loss], ...]: kinds[0] for batches of batchSize rows, kinds[1] for
//              the last batch of n % batchSize rows (needed exactly when that is not 0); as trainSteps' arguments
//   lrs        Float64Array, one learning rate per step: epochs * ceil(n / batchSize) of them
//   firstStep  the step number (>= 1) of the first step; step s gets firstStep + s
//   x, y       the data set, n rows of xIn's and yIn's widths
//   rngState   Float64Array of the generator's four 32-bit words, advanced in place; null: no shuffling
//   epochLosses  Float64Array, one entry per epoch: the mean of its batch losses weighted by batch size, summed in
//              double in batch order (what lib/models/loss-sum.ts computes from losses read one epoch at a time)
#include <string>
#include <vector>

#include "exports_cpu.h"
#include "train_step.h"
#include "xoshiro.h"

namespace myelin {

namespace {

// kinds[i] as a StepKind of batches of `batch` rows.
StepKind read_kind(const Args& args, const Napi::Array& kinds, uint32_t i, size_t batch) {
  const std::string where = "trainEpochs kinds[" + std::to_string(i) + "]";
  const Napi::Value entry = kinds.Get(i);
  if (!entry.IsArray() || entry.As<Napi::Array>().Length() != 5) {
    args.typeError("kinds", "[[program, optimizerCall, xIn, yIn, loss], ...]");
  }
  const Napi::Array parts = entry.As<Napi::Array>();
  std::vector<napi_value> values(5);
  for (uint32_t j = 0; j < 5; ++j) values[j] = parts.Get(j);
  const Args kind(args.env(), values.data(), values.size(), where.c_str(), 5);
  StepKind k{&program_kernels(kind, kind.value(0)), prepare_optimizer(kind, kind.value(1)), kind.f32(2, "xIn"),
             kind.f32(3, "yIn"), kind.f32(4, "loss"), batch};
  if (k.loss.len < 1) kind.rangeError("argument 'loss' is empty");
  return k;
}

}  // namespace

Napi::Value TrainEpochs(const Napi::CallbackInfo& info) {
  Args args(info, "trainEpochs", 9);
  if (!info[0].IsArray()) args.typeError("kinds", "[[program, optimizerCall, xIn, yIn, loss], ...]");
  const Napi::Array kinds = info[0].As<Napi::Array>();
  const F64 lrs = args.f64(1, "lrs");
  const double firstStep = args.step(2, "firstStep");
  const F32 x = args.f32(3, "x"), y = args.f32(4, "y");
  const size_t batchSize = args.size(5, "batchSize"), epochs = args.size(6, "epochs");
  const F64 epochLosses = args.f64(8, "epochLosses");
  if (batchSize == 0) args.rangeError("argument 'batchSize' must be >= 1");
  if (kinds.Length() < 1 || kinds.Length() > 2) args.rangeError("kinds must have 1 or 2 entries");

  const StepKind full = read_kind(args, kinds, 0, batchSize);
  if (full.xIn.len % batchSize != 0 || full.yIn.len % batchSize != 0) args.rangeError("kinds[0]: xIn and yIn must hold batchSize whole rows");
  const size_t rowX = full.xIn.len / batchSize, rowY = full.yIn.len / batchSize;
  if (rowX == 0 || rowY == 0 || x.len % rowX != 0 || y.len % rowY != 0) args.rangeError("x and y must hold whole rows of xIn's and yIn's width");
  const size_t n = x.len / rowX;
  if (y.len / rowY != n) args.rangeError("x and y must have the same number of rows");
  const size_t rest = n % batchSize, stepsPerEpoch = n / batchSize + (rest != 0 ? 1 : 0);
  if (kinds.Length() != (rest != 0 ? 2u : 1u)) {
    args.rangeError("kinds needs " + std::string(rest != 0 ? "a second entry for the last batch" : "exactly one entry") +
                    " (" + std::to_string(n) + " rows in batches of " + std::to_string(batchSize) + ")");
  }
  StepKind last = full;
  if (rest != 0) {
    last = read_kind(args, kinds, 1, rest);
    if (last.xIn.len != rest * rowX || last.yIn.len != rest * rowY) args.rangeError("kinds[1]: xIn and yIn must hold the last batch's rows");
  }
  if (lrs.len != args.mul(epochs, stepsPerEpoch, "epochs * steps per epoch")) {
    args.rangeError("lrs must have one learning rate per step: " + std::to_string(epochs * stepsPerEpoch));
  }
  if (epochLosses.len != epochs) args.rangeError("argument 'epochLosses' must have one entry per epoch: " + std::to_string(epochs));
  const bool shuffle = !info[7].IsNull() && !info[7].IsUndefined();
  const F64 rngState = shuffle ? args.f64(7, "rngState") : F64{nullptr, 0};
  Xoshiro128 rng{};
  if (shuffle) rng = read_state(args, rngState);

  std::vector<int32_t> order(n);
  size_t s = 0;
  for (size_t e = 0; e < epochs; ++e) {
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<int32_t>(i);
    if (shuffle) rng.shuffle(order.data(), n);
    double total = 0, samples = 0;
    for (size_t b = 0; b < stepsPerEpoch; ++b, ++s) {
      const StepKind& kind = b * batchSize + batchSize <= n ? full : last;
      const float loss = run_step(kind, x.data, rowX, y.data, rowY, order.data() + b * batchSize, lrs.data[s],
                                  firstStep + static_cast<double>(s));
      total += static_cast<double>(kind.batch) * static_cast<double>(loss);
      samples += static_cast<double>(kind.batch);
    }
    epochLosses.data[e] = total / samples;
  }
  if (shuffle) write_state(rng, rngState);
  return info.Env().Undefined();
}

}  // namespace myelin
