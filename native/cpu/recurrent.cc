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
#include "recurrent_dropout.h"

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

// The step's recurrent product out = h U ([batch, k units]), or its recurrent-dropout form when drop is given.
void recurrent_product(const RecurrentArgs& r, size_t k, const float* h, const float* uk, const F32& drop, float* out) {
  if (drop.data != nullptr) return recurrent_dropout::product(r.batch, r.units, k, h, uk, drop.data, out);
  step_gemm(false, r.batch, k * r.units, r.units, h, uk, false, out);
}

// dh += dz U^T for dz [batch, k units], or its recurrent-dropout form when drop is given.
void recurrent_product_grad(const RecurrentArgs& r, size_t k, const float* dz, const float* uk, const F32& drop,
                            float* dh) {
  if (drop.data != nullptr) return recurrent_dropout::product_grad(r.batch, r.units, k, dz, uk, drop.data, dh);
  step_gemm(true, r.batch, r.units, k * r.units, dz, uk, true, dh);
}

bool masked(const F32& mask, const RecurrentArgs& r, size_t b) {
  return mask.data != nullptr && mask.data[r.t * r.batch + b] == 0.f;
}

// Checks the buffers every step kernel shares: xw or dxw (k units wide), the recurrent kernel, mask, states and the
// recurrent dropout mask [k, batch, units].
void need_common(const Args& args, const RecurrentArgs& r, const F32& recurrent, const F32& mask, const F32& states,
                 size_t k, size_t slabs, const F32& drop) {
  args.need(recurrent, args.mul(r.units, k * r.units, "units * k units"), "recurrentKernel");
  if (mask.data != nullptr) args.need(mask, r.maskNeed, "mask");
  if (drop.data != nullptr) args.need(drop, args.mul(k, r.row, "k * batch * units"), "recurrentMask");
  args.need(states, args.mul(r.slots, slabs, "states"), "states");
}

}  // namespace

// lstmStep(xw, recurrentKernel, mask, states, gates, t, steps, batch, units, activation, recurrentActivation,
// recurrentMask)
Kernel PrepareLstmStep(const Args& args) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), mask = args.f32OrNull(2, "mask");
  const F32 states = args.f32(3, "states"), gates = args.f32(4, "gates");
  const int act = args.op(9, "activation", kUnaryOpCount), rec = args.op(10, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 5, act, rec);
  const F32 drop = args.f32OrNull(11, "recurrentMask");
  need_common(args, r, uk, mask, states, 4, 2, drop);
  const size_t g4 = args.mul(r.maskNeed, 4 * r.units, "steps * batch * 4 units");
  args.need(xw, g4, "xw");
  args.need(gates, g4, "gates");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units, w = 4 * u;
    const float* h = states.data + r.t * r.row;
    const float* c = states.data + r.slots + r.t * r.row;
    float* hn = states.data + (r.t + 1) * r.row;
    float* cn = states.data + r.slots + (r.t + 1) * r.row;
    float* g = gates.data + r.t * r.batch * w;
    const float* x = xw.data + r.t * r.batch * w;
    recurrent_product(r, 4, h, uk.data, drop, g);
    over_rows(r.batch, w, [&](size_t b) {
      float* gb = g + b * w;
      if (masked(mask, r, b)) {
        std::memcpy(hn + b * u, h + b * u, u * sizeof(float));
        std::memcpy(cn + b * u, c + b * u, u * sizeof(float));
        std::memset(gb, 0, w * sizeof(float));
        return;
      }
      const float* xb = x + b * w;
      for (size_t k = 0; k < w; ++k) gb[k] += xb[k];
      cell::activate(r.rec, gb, gb, 2 * u);  // i, f
      cell::activate(r.act, gb + 2 * u, gb + 2 * u, u);
      cell::activate(r.rec, gb + 3 * u, gb + 3 * u, u);
      const float* cb = c + b * u;
      float *cnb = cn + b * u, *hnb = hn + b * u;
      for (size_t j = 0; j < u; ++j) cnb[j] = gb[u + j] * cb[j] + gb[j] * gb[2 * u + j];  // c' = f c + i g
      cell::activate(r.act, cnb, hnb, u);
      for (size_t j = 0; j < u; ++j) hnb[j] *= gb[3 * u + j];  // h' = o f(c')
    });
  };
}

// lstmStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, t, steps, batch, units, activation,
// recurrentActivation, recurrentMask)
Kernel PrepareLstmStepGrad(const Args& args) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 gates = args.f32(3, "gates"), dStates = args.f32(4, "dStates"), carry = args.f32(5, "carry");
  const F32 dxw = args.f32(6, "dxw");
  const int act = args.op(11, "activation", kUnaryOpCount), rec = args.op(12, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 7, act, rec);
  const F32 drop = args.f32OrNull(13, "recurrentMask");
  need_common(args, r, uk, mask, states, 4, 2, drop);
  args.need(dStates, 2 * r.slots, "dStates");
  args.need(carry, 2 * r.row, "carry");
  const size_t g4 = args.mul(r.maskNeed, 4 * r.units, "steps * batch * 4 units");
  args.need(gates, g4, "gates");
  args.need(dxw, g4, "dxw");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units, w = 4 * u;
    const float* c = states.data + r.slots + r.t * r.row;
    const float* cn = c + r.row;
    const float* dsh = dStates.data + (r.t + 1) * r.row;
    const float* dsc = dStates.data + r.slots + (r.t + 1) * r.row;
    float* dh = carry.data;
    float* dc = carry.data + r.row;
    const float* g = gates.data + r.t * r.batch * w;
    float* dz = dxw.data + r.t * r.batch * w;
    std::vector<float> tc(r.row);  // f(c') of every row
    over_rows(r.batch, w, [&](size_t b) {
      const size_t o = b * u;
      if (masked(mask, r, b)) {
        for (size_t j = 0; j < u; ++j) dh[o + j] += dsh[o + j], dc[o + j] += dsc[o + j];
        std::memset(dz + b * w, 0, w * sizeof(float));
        return;
      }
      float* t = tc.data() + o;
      cell::activate(r.act, cn + o, t, u);
      for (size_t j = 0; j < u; ++j) {
        dc[o + j] = lstm_cell_grad(g + b * w, u, j, c[o + j], t[j], dh[o + j] + dsh[o + j], dc[o + j] + dsc[o + j],
                                   dz + b * w, r.act, r.rec);
        dh[o + j] = 0.f;
      }
    });
    recurrent_product_grad(r, 4, dz, uk.data, drop, dh);
  };
}

// gruStep(xw, recurrentKernel, recurrentBias, mask, states, gates, t, steps, batch, units, activation,
// recurrentActivation, recurrentMask)
Kernel PrepareGruStep(const Args& args) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), bias = args.f32(2, "recurrentBias");
  const F32 mask = args.f32OrNull(3, "mask"), states = args.f32(4, "states"), gates = args.f32(5, "gates");
  const int act = args.op(10, "activation", kUnaryOpCount), rec = args.op(11, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, rec);
  const F32 drop = args.f32OrNull(12, "recurrentMask");
  need_common(args, r, uk, mask, states, 3, 1, drop);
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
    recurrent_product(r, 3, h, uk.data, drop, a);
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
// activation, recurrentActivation, recurrentMask)
Kernel PrepareGruStepGrad(const Args& args) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 gates = args.f32(3, "gates"), dStates = args.f32(4, "dStates"), carry = args.f32(5, "carry");
  const F32 dxw = args.f32(6, "dxw"), dRec = args.f32(7, "dRecurrent");
  const int act = args.op(12, "activation", kUnaryOpCount), rec = args.op(13, "recurrentActivation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 8, act, rec);
  const F32 drop = args.f32OrNull(14, "recurrentMask");
  need_common(args, r, uk, mask, states, 3, 1, drop);
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
    recurrent_product_grad(r, 3, da, uk.data, drop, dh);
  };
}

// rnnStep(xw, recurrentKernel, mask, states, t, steps, batch, units, activation, recurrentMask)
Kernel PrepareRnnStep(const Args& args) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), mask = args.f32OrNull(2, "mask");
  const F32 states = args.f32(3, "states");
  const int act = args.op(8, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 4, act, act);
  const F32 drop = args.f32OrNull(9, "recurrentMask");
  need_common(args, r, uk, mask, states, 1, 1, drop);
  args.need(xw, args.mul(r.maskNeed, r.units, "steps * batch * units"), "xw");
  if (r.row == 0) return Kernel();
  return [=] {
    const size_t u = r.units;
    const float* h = states.data + r.t * r.row;
    float* hn = states.data + (r.t + 1) * r.row;
    const float* x = xw.data + r.t * r.row;
    recurrent_product(r, 1, h, uk.data, drop, hn);
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

// rnnStepGrad(recurrentKernel, mask, states, dStates, carry, dxw, t, steps, batch, units, activation, recurrentMask)
Kernel PrepareRnnStepGrad(const Args& args) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 dStates = args.f32(3, "dStates"), carry = args.f32(4, "carry"), dxw = args.f32(5, "dxw");
  const int act = args.op(10, "activation", kUnaryOpCount);
  const RecurrentArgs r = recurrent_args(args, 6, act, act);
  const F32 drop = args.f32OrNull(11, "recurrentMask");
  need_common(args, r, uk, mask, states, 1, 1, drop);
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
    recurrent_product_grad(r, 1, dz, uk.data, drop, dh);
  };
}

}  // namespace myelin
