// Whole epochs of training run natively: per epoch, the order of the samples (0..n-1, shuffled with the xoshiro128**
// stream of lib/tensor/random.ts when a generator state is given, as Random.permutation would), then the batches in
// that order, each one training step (train_step.h): full batches with the first step kind, the last, smaller batch
// (when batchSize does not divide n) with the second. What `fit` does over several epochs when nothing in
// JavaScript needs the epochs one by one.
//
// trainEpochs(kinds, lrs, x, y, batchSize, epochs, rngState, epochLosses)
//   kinds      [[program, optimizerCall, xIn, yIn, loss], ...]: kinds[0] for batches of batchSize rows, kinds[1] for
//              the last batch of n % batchSize rows (needed exactly when that is not 0); as trainSteps' arguments
//   lrs        Float64Array, one learning rate per step: epochs * ceil(n / batchSize) of them, stored into the
//              optimizer's `hyper` buffer before each step (the optimizer step reads its step number there)
//   x, y       the data set, n rows of xIn's and yIn's widths
//   rngState   Float64Array of the generator's four 32-bit words, advanced in place; null: no shuffling
//   epochLosses  Float64Array, one entry per epoch: the mean of its batch losses weighted by batch size, summed in
//              double in batch order (what lib/models/loss-sum.ts computes from losses read one epoch at a time)
//
// trainEpochsAsync(...the same 8 arguments..., control) runs the same epochs on a worker thread (async_job.h) and
// returns a Promise of the number of steps run; it stops between two steps once control[0] != 0 (then the epoch in
// progress has no loss and rngState is left as it was).
#include <memory>
#include <string>
#include <vector>

#include "async_job.h"
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
  StepKind k{&program_kernels(kind, kind.value(0)),
             prepare_optimizer(kind, kind.value(1)),
             kind.f32(2, "xIn"),
             kind.f32(3, "yIn"),
             kind.f32(4, "loss"),
             batch};
  if (k.loss.len < 1) kind.rangeError("argument 'loss' is empty");
  return k;
}

// Whole epochs: shuffle, then every batch of the epoch.
class TrainEpochsJob final : public StepJob {
 public:
  TrainEpochsJob(const StepKind& full, const StepKind& last, F32 x, F32 y, size_t rowX, size_t rowY, size_t epochs,
                 F64 lrs, F64 rngState, const Xoshiro128& rng, F64 epochLosses)
      : full_(full),
        last_(last),
        x_(x),
        y_(y),
        rowX_(rowX),
        rowY_(rowY),
        epochs_(epochs),
        lrs_(lrs),
        rngState_(rngState),
        rng_(rng),
        epochLosses_(epochLosses) {}

  size_t run() override {
    const size_t batchSize = full_.batch, n = x_.len / rowX_;
    const size_t stepsPerEpoch = n / batchSize + (n % batchSize != 0 ? 1 : 0);
    const bool shuffle = rngState_.data != nullptr;
    Xoshiro128 rng = rng_;
    std::vector<int32_t> order(n);
    size_t s = 0;
    for (size_t e = 0; e < epochs_; ++e) {
      for (size_t i = 0; i < n; ++i) order[i] = static_cast<int32_t>(i);
      if (shuffle) rng.shuffle(order.data(), n);
      double total = 0, samples = 0;
      for (size_t b = 0; b < stepsPerEpoch; ++b, ++s) {
        if (stop_requested()) return s;
        const StepKind& kind = b * batchSize + batchSize <= n ? full_ : last_;
        const float loss = run_step(kind, x_.data, rowX_, y_.data, rowY_, order.data() + b * batchSize, lrs_.data[s]);
        total += static_cast<double>(kind.batch) * static_cast<double>(loss);
        samples += static_cast<double>(kind.batch);
      }
      epochLosses_.data[e] = total / samples;
    }
    if (shuffle) write_state(rng, rngState_);
    return s;
  }

 private:
  StepKind full_, last_;
  F32 x_, y_;
  size_t rowX_, rowY_, epochs_;
  F64 lrs_;
  F64 rngState_;
  Xoshiro128 rng_;
  F64 epochLosses_;
};

// The job of trainEpochs(Async)'s first 8 arguments.
std::unique_ptr<TrainEpochsJob> prepare_train_epochs(const Napi::CallbackInfo& info, const Args& args) {
  if (!info[0].IsArray()) args.typeError("kinds", "[[program, optimizerCall, xIn, yIn, loss], ...]");
  const Napi::Array kinds = info[0].As<Napi::Array>();
  const F64 lrs = args.f64(1, "lrs");
  const F32 x = args.f32(2, "x"), y = args.f32(3, "y");
  const size_t batchSize = args.size(4, "batchSize"), epochs = args.size(5, "epochs");
  const F64 epochLosses = args.f64(7, "epochLosses");
  if (batchSize == 0) args.rangeError("argument 'batchSize' must be >= 1");
  if (kinds.Length() < 1 || kinds.Length() > 2) args.rangeError("kinds must have 1 or 2 entries");

  const StepKind full = read_kind(args, kinds, 0, batchSize);
  if (full.xIn.len % batchSize != 0 || full.yIn.len % batchSize != 0)
    args.rangeError("kinds[0]: xIn and yIn must hold batchSize whole rows");
  const size_t rowX = full.xIn.len / batchSize, rowY = full.yIn.len / batchSize;
  if (rowX == 0 || rowY == 0 || x.len % rowX != 0 || y.len % rowY != 0)
    args.rangeError("x and y must hold whole rows of xIn's and yIn's width");
  const size_t n = x.len / rowX;
  if (y.len / rowY != n) args.rangeError("x and y must have the same number of rows");
  const size_t rest = n % batchSize, stepsPerEpoch = n / batchSize + (rest != 0 ? 1 : 0);
  if (kinds.Length() != (rest != 0 ? 2u : 1u)) {
    args.rangeError("kinds needs " +
                    std::string(rest != 0 ? "a second entry for the last batch" : "exactly one entry") + " (" +
                    std::to_string(n) + " rows in batches of " + std::to_string(batchSize) + ")");
  }
  StepKind last = full;
  if (rest != 0) {
    last = read_kind(args, kinds, 1, rest);
    if (last.xIn.len != rest * rowX || last.yIn.len != rest * rowY)
      args.rangeError("kinds[1]: xIn and yIn must hold the last batch's rows");
  }
  if (lrs.len != args.mul(epochs, stepsPerEpoch, "epochs * steps per epoch")) {
    args.rangeError("lrs must have one learning rate per step: " + std::to_string(epochs * stepsPerEpoch));
  }
  if (epochLosses.len != epochs)
    args.rangeError("argument 'epochLosses' must have one entry per epoch: " + std::to_string(epochs));
  const bool shuffle = !info[6].IsNull() && !info[6].IsUndefined();
  const F64 rngState = shuffle ? args.f64(6, "rngState") : F64{nullptr, 0};
  const Xoshiro128 rng = shuffle ? read_state(args, rngState) : Xoshiro128{};
  return std::make_unique<TrainEpochsJob>(full, last, x, y, rowX, rowY, epochs, lrs, rngState, rng, epochLosses);
}

}  // namespace

Napi::Value TrainEpochs(const Napi::CallbackInfo& info) {
  const Args args(info, "trainEpochs", 8);
  try {
    prepare_train_epochs(info, args)->run();
  } catch (const ProgramFailure& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value TrainEpochsAsync(const Napi::CallbackInfo& info) {
  const Args args(info, "trainEpochsAsync", 9);
  std::unique_ptr<TrainEpochsJob> job = prepare_train_epochs(info, args);
  job->set_control(control_word(args, 8));
  return run_async(info.Env(), std::move(job), arguments_of(info));
}

}  // namespace myelin
