// Inference batches run off the JavaScript thread: per batch, copy consecutive rows of x (and y) into a compiled
// program's inputs, run it (a recorded forward pass, with the loss when y is given), and keep its output rows and
// loss. What `predict` and `evaluate` do batch by batch, on a worker of libuv's pool (async_job.h).
//
// runBatchesAsync(program, x, xIn, y, yIn, outBuf, out, loss, losses, batch, firstRow, count, control) ->
// Promise<batches run>
//   program     from compileProgram: reads xIn ([batch, rowX]) and yIn ([batch, rowY]), writes outBuf and loss
//   x, y        the data, [n, rowX] and [n, rowY] floats; y and yIn may both be null (no labels)
//   outBuf, out the program's output [batch, rowOut] and where its rows go: batch b of the call is copied to rows
//               firstRow + b * batch .. of out ([n, rowOut]); both may be null (no outputs kept)
//   loss, losses  the program's scalar loss and a Float64Array receiving it: losses[b] for batch b; both may be null
//   batch       the rows of one batch (xIn holds batch rows)
//   firstRow    the first row of x of the call's first batch; count: how many batches (of `batch` rows each)
//   control     Int32Array; the job stops between two batches once control[0] != 0
#include <algorithm>
#include <memory>
#include <string>

#include "async_job.h"
#include "exports_cpu.h"
#include "kernel.h"

namespace myelin {

namespace {

class RunBatchesJob final : public StepJob {
 public:
  const std::vector<Kernel>* kernels = nullptr;
  F32 x{}, xIn{}, y{}, yIn{}, outBuf{}, out{}, loss{};
  F64 losses{};
  size_t firstRow = 0, count = 0, batch = 0, rowX = 0, rowY = 0, rowOut = 0;

  size_t run() override {
    size_t b = 0;
    for (; b < count && !stop_requested(); ++b) {
      const size_t row = firstRow + b * batch;
      std::copy(x.data + row * rowX, x.data + (row + batch) * rowX, xIn.data);
      if (y.data != nullptr) std::copy(y.data + row * rowY, y.data + (row + batch) * rowY, yIn.data);
      for (const Kernel& k : *kernels) k();
      if (out.data != nullptr) std::copy(outBuf.data, outBuf.data + batch * rowOut, out.data + row * rowOut);
      if (losses.data != nullptr) losses.data[b] = static_cast<double>(loss.data[0]);
    }
    return b;
  }
};

// The rows of `width` floats that `buf` holds, or a RangeError naming it.
size_t rows_of(const Args& args, const F32& buf, size_t width, const char* name) {
  if (width == 0 || buf.len % width != 0) args.rangeError(std::string("argument '") + name + "' must hold whole rows");
  return buf.len / width;
}

// The width of one row of a program buffer of `batch` rows, or a RangeError naming it.
size_t width_of(const Args& args, const F32& buf, size_t batch, const char* name) {
  if (buf.len == 0 || buf.len % batch != 0)
    args.rangeError(std::string("argument '") + name + "' must hold batch whole rows");
  return buf.len / batch;
}

}  // namespace

Napi::Value RunBatchesAsync(const Napi::CallbackInfo& info) {
  const Args args(info, "runBatchesAsync", 13);
  auto job = std::make_unique<RunBatchesJob>();
  RunBatchesJob& j = *job;
  j.x = args.f32(1, "x");
  j.xIn = args.f32(2, "xIn");
  j.y = args.f32OrNull(3, "y");
  j.yIn = args.f32OrNull(4, "yIn");
  j.outBuf = args.f32OrNull(5, "outBuf");
  j.out = args.f32OrNull(6, "out");
  j.loss = args.f32OrNull(7, "loss");
  if (!info[8].IsNull() && !info[8].IsUndefined()) j.losses = args.f64(8, "losses");
  j.batch = args.size(9, "batch");
  j.firstRow = args.size(10, "firstRow");
  j.count = args.size(11, "count");
  j.set_control(control_word(args, 12));
  if ((j.y.data == nullptr) != (j.yIn.data == nullptr)) args.rangeError("y and yIn must both be given or both be null");
  if ((j.out.data == nullptr) != (j.outBuf.data == nullptr))
    args.rangeError("out and outBuf must both be given or both be null");
  if ((j.loss.data == nullptr) != (j.losses.data == nullptr))
    args.rangeError("loss and losses must both be given or both be null");
  if (j.count > 0) {
    if (j.batch == 0) args.rangeError("argument 'batch' must be >= 1");
    j.kernels = &program_kernels(args, info[0]);
    j.rowX = width_of(args, j.xIn, j.batch, "xIn");
    const size_t n = rows_of(args, j.x, j.rowX, "x");
    const size_t end = args.mul(j.count, j.batch, "count * batch") + j.firstRow;
    if (end < j.firstRow || end > n)
      args.rangeError("firstRow + count * batch exceeds the " + std::to_string(n) + " rows of x");
    if (j.y.data != nullptr) {
      j.rowY = width_of(args, j.yIn, j.batch, "yIn");
      if (rows_of(args, j.y, j.rowY, "y") != n) args.rangeError("x and y must have the same number of rows");
    }
    if (j.out.data != nullptr) {
      j.rowOut = width_of(args, j.outBuf, j.batch, "outBuf");
      if (rows_of(args, j.out, j.rowOut, "out") != n) args.rangeError("out must have as many rows as x");
    }
    if (j.losses.data != nullptr && (j.loss.len < 1 || j.losses.len < j.count)) {
      args.rangeError("loss must hold one float and losses one entry per batch");
    }
  }
  return run_async(info.Env(), std::move(job), arguments_of(info));
}

}  // namespace myelin
