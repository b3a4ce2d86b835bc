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

#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

struct OptimizerEntry {
  PrepareOptimizerFn prepare;
  size_t count;
};

const std::map<std::string, OptimizerEntry>& optimizer_table() {
#define MYELIN_OPTIMIZER_ROW(js, Name, count, lrArg, stepArg) {#js, OptimizerEntry{Prepare##Name, count}},
  static const std::map<std::string, OptimizerEntry> table{MYELIN_CPU_OPTIMIZERS(MYELIN_OPTIMIZER_ROW)};
#undef MYELIN_OPTIMIZER_ROW
  return table;
}

OptimizerKernel prepare_optimizer(const Args& args, const Napi::Value& call) {
  if (!call.IsArray() || call.As<Napi::Array>().Length() < 1 || !call.As<Napi::Array>().Get(0u).IsString()) {
    args.typeError("optimizerCall", "[entryName, ...arguments] of an optimizer step");
  }
  const Napi::Array parts = call.As<Napi::Array>();
  const std::string name = parts.Get(0u).As<Napi::String>().Utf8Value();
  const auto entry = optimizer_table().find(name);
  if (entry == optimizer_table().end()) args.rangeError("'" + name + "' is not an optimizer step");
  napi_value argv[kMaxArgs];
  const size_t argc = std::min<size_t>(parts.Length() - 1, kMaxArgs);
  for (size_t a = 0; a < argc; ++a) argv[a] = parts.Get(static_cast<uint32_t>(a + 1));
  return entry->second.prepare(Args(args.env(), argv, argc, entry->first.c_str(), entry->second.count));
}

}  // namespace

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Args args(info, "trainSteps", 12);
  const Napi::Value programArg = info[0];
  const OptimizerKernel optimizer = prepare_optimizer(args, info[1]);
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    args.typeError("lrs", "a Float64Array");
  }
  const Napi::Float64Array lrs = info[2].As<Napi::Float64Array>();
  const double firstStep = args.num(3, "firstStep");
  if (!(firstStep >= 1) || firstStep != static_cast<double>(static_cast<int64_t>(firstStep))) {
    args.rangeError("argument 'firstStep' must be an integer >= 1");
  }
  const F32 x = args.f32(4, "x"), xIn = args.f32(5, "xIn"), y = args.f32(6, "y"), yIn = args.f32(7, "yIn");
  const I32 idx = args.i32(8, "indices");
  const F32 loss = args.f32(9, "loss"), losses = args.f32(10, "losses");
  const size_t lossOffset = args.size(11, "lossOffset");
  const size_t steps = lrs.ElementLength();
  if (steps == 0) return info.Env().Undefined();
  if (idx.len % steps != 0) args.rangeError("indices.length must be a multiple of lrs.length (one batch per step)");
  const size_t batch = idx.len / steps;
  if (batch == 0 || xIn.len % batch != 0 || yIn.len % batch != 0) args.rangeError("xIn and yIn must hold whole rows of a batch");
  const size_t rowX = xIn.len / batch, rowY = yIn.len / batch;
  if (rowX == 0 || x.len % rowX != 0 || rowY == 0 || y.len % rowY != 0) args.rangeError("x and y must hold whole rows of xIn's and yIn's width");
  const size_t rows = x.len / rowX;
  if (y.len / rowY != rows) args.rangeError("x and y must have the same number of rows");
  for (size_t i = 0; i < idx.len; ++i) {
    if (idx.data[i] < 0 || static_cast<size_t>(idx.data[i]) >= rows) args.rangeError("indices[" + std::to_string(i) + "] is out of range");
  }
  if (loss.len < 1) args.rangeError("argument 'loss' is empty");
  args.need(losses, lossOffset + steps, "losses");
  const std::vector<Kernel>& kernels = program_kernels(args, programArg);
  for (size_t s = 0; s < steps; ++s) {
    const int32_t* rowsOfStep = idx.data + s * batch;
    for (size_t r = 0; r < batch; ++r) {
      const size_t src = static_cast<size_t>(rowsOfStep[r]);
      std::copy(x.data + src * rowX, x.data + (src + 1) * rowX, xIn.data + r * rowX);
      std::copy(y.data + src * rowY, y.data + (src + 1) * rowY, yIn.data + r * rowY);
    }
    for (const Kernel& k : kernels) k();
    optimizer(lrs[s], firstStep + static_cast<double>(s));
    losses.data[lossOffset + s] = loss.data[0];
  }
  return info.Env().Undefined();
}

}  // namespace myelin
