// The LSTM sequence kernels: every time step of the forward pass (lstmSequence) or of backpropagation through time
// (lstmSequenceGrad) in one call. Batch rows never mix within a step, so the batch is split once into one block of
// rows per thread and each thread runs its rows through all the steps with no barrier between steps (the per-step
// kernels wake the pool per step or stay on one thread: their GEMMs are [batch, units] x [units, 4 units]).
#include <algorithm>
#include <vector>

#include "../common/thread_pool.h"
#include "kernel.h"
#include "lstm_rows.h"

namespace myelin {

namespace {

// Rows per thread: a block is worth a thread when its steps do about a million multiply-adds (waking a worker
// costs tens of microseconds); smaller problems run on the calling thread.
size_t rows_per_thread(const RecurrentArgs& r) {
  const size_t per_row = std::max<size_t>(1, r.steps * 4 * r.units * r.units);
  return std::max<size_t>(1, (size_t{1} << 20) / per_row);
}

}  // namespace

// lstmSequence(xw, recurrentKernel, mask, states, gates, steps, batch, units, activation, recurrentActivation)
Kernel PrepareLstmSequence(const Args& args) {
  const int act = args.op(8, "activation", kUnaryOpCount), rec = args.op(9, "recurrentActivation", kUnaryOpCount);
  const LstmBuffers s = lstm_forward_args(args, false, act, rec);
  if (s.r.row == 0) return Kernel();
  return [=] {
    parallel_for(s.r.batch, rows_per_thread(s.r), [&](size_t b0, size_t b1) {
      for (size_t t = 0; t < s.r.steps; ++t) {
        lstm_recurrent_rows(s, t, b0, b1);
        for (size_t b = b0; b < b1; ++b) lstm_cell_row(s, t, b);
      }
    });
  };
}

// lstmSequenceGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, steps, batch, units, activation,
// recurrentActivation)
Kernel PrepareLstmSequenceGrad(const Args& args) {
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  const LstmBuffers s = lstm_backward_args(args, false, act, rec);
  if (s.r.row == 0) return Kernel();
  return [=] {
    const size_t u = s.r.units, w = 4 * u;
    std::vector<float> ukT(w * u);  // U^T, so that no step packs U transposed (a strided gather per step)
    for (size_t p = 0; p < u; ++p)
      for (size_t j = 0; j < w; ++j) ukT[j * u + p] = s.uk[p * w + j];
    parallel_for(s.r.batch, rows_per_thread(s.r), [&](size_t b0, size_t b1) {
      std::vector<float> tc(u);  // f(c') of one row
      for (size_t t = s.r.steps; t-- > 0;) {
        for (size_t b = b0; b < b1; ++b) lstm_cell_grad_row(s, t, b, tc.data());
        lstm_carry_rows(s, t, b0, b1, ukT.data());
      }
    });
  };
}

}  // namespace myelin
