// Recurrent step kernels (LSTM, GRU, simple RNN and their gradients): one GEMM for the recurrent product of the
// step and the cell math over the batch rows, threaded when large. The step GEMMs are small ([batch, units] x
// [units, k units]) and run one after another: the built-in GEMM (gemm_builtin.cc) serves them, a multi-threaded BLAS
// call per step measured 2.5x slower here. Activations run a row at a time, vectorized (cell_activations.h); the
// per-unit formulas are those of native/common/recurrent_math.h, which the CUDA kernels share.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../common/recurrent_args.h"
#include "../common/recurrent_math.h"
#include "../common/thread_pool.h"
#include "cell_activations.h"
#include "cpu.h"
#include "kernel.h"
#include "lstm_rows.h"

namespace myelin {

namespace {

// Runs fn(b) for every batch row, across the pool when batch * work is large.
template <typename F>
void over_rows(size_t batch, size_t work, F&& fn) {
  parallel_for(batch, std::max<size_t>(1, kParallelMin / 16 / std::max<size_t>(work, 1)),
               [&](size_t begin, size_t end) {
                 for (size_t b = begin; b < end; ++b) fn(b);
               });
}

// C[m, n] = A op(B) (+ C with accumulate) for one step.
void step_gemm(bool tb, size_t m, size_t n, size_t k, const float* a, const float* b, bool accumulate, float* c) {
  sgemm_builtin(false, tb, m, n, k, 1.f, a, b, accumulate ? 1.f : 0.f, c);
}

bool masked(const F32& mask, const RecurrentArgs& r, size_t b) {
  return mask.data != nullptr && mask.data[r.t * r.batch + b] == 0.f;
}

// Checks the buffers every step kernel shares: xw or dxw (k units wide), the recurrent kernel, mask and states.
void need_common(const Args& args, const RecurrentArgs& r, const F32& recurrent, const F32& mask, const F32& states,
                 size_t k, size_t slabs) {
  args.need(recurrent, args.mul(r.units, k * r.units, "units * k units"), "recurrentKernel");
  if (mask.data != nullptr) args.need(mask, r.maskNeed, "mask");
  args.need(states, args.mul(r.slots, slabs, "states"), "states");
}

}  // namespace

// lstmStep(xw, recurrentKernel, mask, states, gates, t, steps, batch, units, activation, recurrentActivation)
Kernel PrepareLstmStep(const Args& args) {
  const int act = args.op(9, "activation", kUnaryOpCount), rec = args.op(10, "recurrentActivation", kUnaryOpCount);
  const LstmBuffers s = lstm_forward_args(args, true, act, rec);
  if (s.r.row == 0) return Kernel();
  return [=] {
    lstm_recurrent_rows(s, s.r.t, 0, s.r.batch);
    over_rows(s.r.batch, 4 * s.r.units, [&](size_t b) { lstm_cell_row(s, s.r.t, b); });
  };
}

// lstmStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, t, steps, batch, units, activation,
// recurrentActivation)
Kernel PrepareLstmStepGrad(const Args& args) {
  const int act = args.op(11, "activation", kUnaryOpCount), rec = args.op(12, "recurrentActivation", kUnaryOpCount);
  const LstmBuffers s = lstm_backward_args(args, true, act, rec);
  if (s.r.row == 0) return Kernel();
  return [=] {
    std::vector<float> tc(s.r.row);  // f(c') of every row
    over_rows(s.r.batch, 4 * s.r.units, [&](size_t b) { lstm_cell_grad_row(s, s.r.t, b, tc.data() + b * s.r.units); });
    lstm_carry_rows(s, s.r.t, 0, s.r.batch);
  };
}

// gruStep(xw, recurrentKernel, recurrentBias, mask, states, gates, t, steps, batch, units, activation,
// recurrentActivation)
Kernel PrepareGruStep(const Args& args) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), bias = args.f32(2, "recurrentBias");
  const F32 mask = args.f32OrNull(3, "mask"), states = args.f32(4, "states"), gates = args.f32(5, "gates");
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, rec);
  need_common(args, r, uk, mask, states, 3, 1);
  const size_t g3 = args.mul(r.maskNeed, 3 * r.units, "steps * batch * 3 units");
  args.need(xw, g3, "xw");
  args.need(bias, 3 * r.units, "recurrentBias");
  args.need(gates, 2 * g3, "gates");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units, w = 3 * u;
    const float* h = states.data + r.t * r.row;
    float* hn = states.data + (r.t + 1) * r.row;
    float* zrn = gates.data + r.t * r.batch * 2 * w;
    float* a = zrn + r.batch * w;
    const float* x = xw.data + r.t * r.batch * w;
    step_gemm(false, r.batch, w, u, h, uk.data, false, a);
    over_rows(r.batch, w, [&](size_t b) {
      if (masked(mask, r, b)) {
        std::memcpy(hn + b * u, h + b * u, u * sizeof(float));
        std::memset(zrn + b * w, 0, w * sizeof(float));
        for (size_t k = 0; k < w; ++k) a[b * w + k] += bias.data[k];
        return;
      }
      const float* xb = x + b * w;
      float *ab = a + b * w, *gb = zrn + b * w;
      for (size_t k = 0; k < w; ++k) ab[k] += bias.data[k];
      for (size_t k = 0; k < 2 * u; ++k) gb[k] = xb[k] + ab[k];
      cell::activate(r.rec, gb, gb, 2 * u);  // z, r
      for (size_t j = 0; j < u; ++j) gb[2 * u + j] = xb[2 * u + j] + gb[u + j] * ab[2 * u + j];
      cell::activate(r.act, gb + 2 * u, gb + 2 * u, u);  // n
      const float* hb = h + b * u;
      float* hnb = hn + b * u;
      for (size_t j = 0; j < u; ++j) hnb[j] = gb[j] * hb[j] + (1.f - gb[j]) * gb[2 * u + j];  // z h + (1 - z) n
    });
  };
}

// gruStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, dRecurrent, t, steps, batch, units,
// activation, recurrentActivation)
Kernel PrepareGruStepGrad(const Args& args) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 gates = args.f32(3, "gates"), dStates = args.f32(4, "dStates"), carry = args.f32(5, "carry");
  const F32 dxw = args.f32(6, "dxw"), dRec = args.f32(7, "dRecurrent");
  const int act = args.op(12, "activation", kUnaryOpCount), rec = args.op(13, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 8, act, rec);
  need_common(args, r, uk, mask, states, 3, 1);
  args.need(dStates, r.slots, "dStates");
  args.need(carry, r.row, "carry");
  const size_t g3 = args.mul(r.maskNeed, 3 * r.units, "steps * batch * 3 units");
  args.need(gates, 2 * g3, "gates");
  args.need(dxw, g3, "dxw");
  args.need(dRec, g3, "dRecurrent");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units, w = 3 * u;
    const float* h = states.data + r.t * r.row;
    const float* ds = dStates.data + (r.t + 1) * r.row;
    const float* zrn = gates.data + r.t * r.batch * 2 * w;
    const float* a = zrn + r.batch * w;
    float* dh = carry.data;
    float* dx = dxw.data + r.t * r.batch * w;
    float* da = dRec.data + r.t * r.batch * w;
    over_rows(r.batch, w, [&](size_t b) {
      const size_t o = b * u;
      if (masked(mask, r, b)) {
        for (size_t j = 0; j < u; ++j) dh[o + j] += ds[o + j];
        std::memset(dx + b * w, 0, w * sizeof(float));
        std::memset(da + b * w, 0, w * sizeof(float));
        return;
      }
      for (size_t j = 0; j < u; ++j) {
        dh[o + j] = gru_cell_grad(zrn + b * w, a + b * w, u, j, h[o + j], dh[o + j] + ds[o + j], dx + b * w, da + b * w,
                                  r.act, r.rec);
      }
    });
    step_gemm(true, r.batch, u, w, da, uk.data, true, dh);
  };
}

// rnnStep(xw, recurrentKernel, mask, states, t, steps, batch, units, activation)
Kernel PrepareRnnStep(const Args& args) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), mask = args.f32OrNull(2, "mask");
  const F32 states = args.f32(3, "states");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 4, act, act);
  need_common(args, r, uk, mask, states, 1, 1);
  args.need(xw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "xw");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units;
    const float* h = states.data + r.t * r.row;
    float* hn = states.data + (r.t + 1) * r.row;
    const float* x = xw.data + r.t * r.row;
    step_gemm(false, r.batch, u, u, h, uk.data, false, hn);
    over_rows(r.batch, u, [&](size_t b) {
      float* out = hn + b * u;
      if (masked(mask, r, b)) {
        std::memcpy(out, h + b * u, u * sizeof(float));
        return;
      }
      for (size_t j = 0; j < u; ++j) out[j] += x[b * u + j];
      cell::activate(r.act, out, out, u);
    });
  };
}

// rnnStepGrad(recurrentKernel, mask, states, dStates, carry, dxw, t, steps, batch, units, activation)
Kernel PrepareRnnStepGrad(const Args& args) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 dStates = args.f32(3, "dStates"), carry = args.f32(4, "carry"), dxw = args.f32(5, "dxw");
  const int act = args.op(10, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, act);
  need_common(args, r, uk, mask, states, 1, 1);
  args.need(dStates, r.slots, "dStates");
  args.need(carry, r.row, "carry");
  args.need(dxw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "dxw");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units;
    const float* hn = states.data + (r.t + 1) * r.row;
    const float* ds = dStates.data + (r.t + 1) * r.row;
    float* dh = carry.data;
    float* dz = dxw.data + r.t * r.row;
    over_rows(r.batch, u, [&](size_t b) {
      const size_t o = b * u;
      if (masked(mask, r, b)) {
        for (size_t j = 0; j < u; ++j) dh[o + j] += ds[o + j], dz[o + j] = 0.f;
        return;
      }
      for (size_t j = 0; j < u; ++j) {
        dz[o + j] = (dh[o + j] + ds[o + j]) * cell_act_grad(r.act, hn[o + j]);
        dh[o + j] = 0.f;
      }
    });
    step_gemm(true, r.batch, u, u, dz, uk.data, true, dh);
  };
}

}  // namespace myelin
