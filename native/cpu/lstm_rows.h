// The LSTM's work on a range of batch rows at one time step, shared by the step kernels (recurrent.cc: every row of
// step t) and the sequence kernels (lstm_sequence.cc: a thread's rows through every step). Rows are independent
// within a step, so a range's recurrent GEMM and cell math need nothing from the other rows.
#pragma once

#include <cstring>

#include "../common/recurrent_args.h"
#include "../common/recurrent_math.h"
#include "cell_activations.h"
#include "cpu.h"
#include "kernel.h"

namespace myelin {

// The buffers of an LSTM kernel (those a kernel does not take stay null) and its sizes; see the kernel table.
struct LstmBuffers {
  const float* xw = nullptr;
  const float* uk = nullptr;
  const float* mask = nullptr;
  float* states = nullptr;
  float* gates = nullptr;
  const float* dStates = nullptr;
  float* carry = nullptr;
  float* dxw = nullptr;
  RecurrentArgs r;
};

// Reads and checks the arguments of lstmStep (with t: `step`) or lstmSequence: xw, recurrentKernel, mask, states,
// gates, [t,] steps, batch, units, activation, recurrentActivation (the op ids act and rec, read by the caller).
inline LstmBuffers lstm_forward_args(const Args& args, bool step, int act, int rec) {
  const F32 xw = args.f32(0, "xw"), uk = args.f32(1, "recurrentKernel"), mask = args.f32OrNull(2, "mask");
  const F32 states = args.f32(3, "states"), gates = args.f32(4, "gates");
  LstmBuffers s;
  s.r = step ? recurrent_args(args, 5, act, rec) : recurrent_sequence_args(args, 5, act, rec);
  args.need(uk, args.mul(s.r.units, 4 * s.r.units, "units * 4 units"), "recurrentKernel");
  if (mask.data != nullptr) args.need(mask, s.r.maskNeed, "mask");
  args.need(states, args.mul(s.r.slots, size_t{2}, "states"), "states");
  const size_t g4 = args.mul(s.r.maskNeed, 4 * s.r.units, "steps * batch * 4 units");
  args.need(xw, g4, "xw");
  args.need(gates, g4, "gates");
  s.xw = xw.data, s.uk = uk.data, s.mask = mask.data, s.states = states.data, s.gates = gates.data;
  return s;
}

// Reads and checks the arguments of lstmStepGrad (with t: `step`) or lstmSequenceGrad: recurrentKernel, mask,
// states, gates, dStates, carry, dxw, [t,] steps, batch, units, activation, recurrentActivation (act and rec, read
// by the caller).
inline LstmBuffers lstm_backward_args(const Args& args, bool step, int act, int rec) {
  const F32 uk = args.f32(0, "recurrentKernel"), mask = args.f32OrNull(1, "mask"), states = args.f32(2, "states");
  const F32 gates = args.f32(3, "gates"), dStates = args.f32(4, "dStates"), carry = args.f32(5, "carry");
  const F32 dxw = args.f32(6, "dxw");
  LstmBuffers s;
  s.r = step ? recurrent_args(args, 7, act, rec) : recurrent_sequence_args(args, 7, act, rec);
  args.need(uk, args.mul(s.r.units, 4 * s.r.units, "units * 4 units"), "recurrentKernel");
  if (mask.data != nullptr) args.need(mask, s.r.maskNeed, "mask");
  args.need(states, args.mul(s.r.slots, size_t{2}, "states"), "states");
  args.need(dStates, 2 * s.r.slots, "dStates");
  args.need(carry, 2 * s.r.row, "carry");
  const size_t g4 = args.mul(s.r.maskNeed, 4 * s.r.units, "steps * batch * 4 units");
  args.need(gates, g4, "gates");
  args.need(dxw, g4, "dxw");
  s.uk = uk.data, s.mask = mask.data, s.states = states.data, s.gates = gates.data, s.dStates = dStates.data;
  s.carry = carry.data, s.dxw = dxw.data;
  return s;
}

inline bool lstm_row_masked(const LstmBuffers& s, size_t t, size_t b) {
  return s.mask != nullptr && s.mask[t * s.r.batch + b] == 0.f;
}

// gates[t] rows [b0, b1) = h_t U (the recurrent product of step t; the cell adds xw).
inline void lstm_recurrent_rows(const LstmBuffers& s, size_t t, size_t b0, size_t b1) {
  const size_t u = s.r.units, w = 4 * u;
  sgemm_builtin(false, false, b1 - b0, w, u, 1.f, s.states + t * s.r.row + b0 * u, s.uk, 0.f,
                s.gates + (t * s.r.batch + b0) * w);
}

// The cell of row b at step t: gates[t, b] holds h_t U on entry and [i, f, g, o] on exit; writes slot t + 1.
inline void lstm_cell_row(const LstmBuffers& s, size_t t, size_t b) {
  const size_t u = s.r.units, w = 4 * u, o = t * s.r.row + b * u;
  const float *h = s.states + o, *c = s.states + s.r.slots + o;
  float *hn = s.states + o + s.r.row, *cn = s.states + s.r.slots + o + s.r.row;
  float* g = s.gates + (t * s.r.batch + b) * w;
  if (lstm_row_masked(s, t, b)) {
    std::memcpy(hn, h, u * sizeof(float));
    std::memcpy(cn, c, u * sizeof(float));
    std::memset(g, 0, w * sizeof(float));
    return;
  }
  const float* x = s.xw + (t * s.r.batch + b) * w;
  for (size_t k = 0; k < w; ++k) g[k] += x[k];
  cell::activate(s.r.rec, g, g, 2 * u);  // i, f
  cell::activate(s.r.act, g + 2 * u, g + 2 * u, u);
  cell::activate(s.r.rec, g + 3 * u, g + 3 * u, u);
  for (size_t j = 0; j < u; ++j) cn[j] = g[u + j] * c[j] + g[j] * g[2 * u + j];  // c' = f c + i g
  cell::activate(s.r.act, cn, hn, u);
  for (size_t j = 0; j < u; ++j) hn[j] *= g[3 * u + j];  // h' = o f(c')
}

// dc[j] = the cell gradient of unit j (recurrent_math.h) for j < u, dh[j] = 0; with the activations as template
// arguments (ACT, REC >= 0) the switches fold and the loop vectorizes, else (-1) they come from act and rec.
template <int ACT, int REC>
MYELIN_CLONES void lstm_cell_grad_units(const float* g, size_t u, const float* c, const float* tc, float* dh,
                                        const float* dsh, float* dc, const float* dsc, float* dz, int act, int rec) {
  const int a = ACT >= 0 ? ACT : act, r = REC >= 0 ? REC : rec;
#pragma omp simd
  for (size_t j = 0; j < u; ++j) {
    dc[j] = lstm_cell_grad(g, u, j, c[j], tc[j], dh[j] + dsh[j], dc[j] + dsc[j], dz, a, r);
    dh[j] = 0.f;
  }
}

// The backward cell of row b at step t: adds dStates slot t + 1 to carry's dh, dc of the row, writes dz into
// dxw[t, b], leaves dc of slot t and dh = 0 (the caller adds dz U^T). tc: u floats of scratch.
inline void lstm_cell_grad_row(const LstmBuffers& s, size_t t, size_t b, float* tc) {
  const size_t u = s.r.units, w = 4 * u, o = b * u, s1 = (t + 1) * s.r.row + o;
  const float *dsh = s.dStates + s1, *dsc = s.dStates + s.r.slots + s1;
  float *dh = s.carry + o, *dc = s.carry + s.r.row + o;
  float* dz = s.dxw + (t * s.r.batch + b) * w;
  if (lstm_row_masked(s, t, b)) {
    for (size_t j = 0; j < u; ++j) dh[j] += dsh[j], dc[j] += dsc[j];
    std::memset(dz, 0, w * sizeof(float));
    return;
  }
  const float* c = s.states + s.r.slots + t * s.r.row + o;
  cell::activate(s.r.act, c + s.r.row, tc, u);  // f(c')
  const float* g = s.gates + (t * s.r.batch + b) * w;
  constexpr int kTanh = static_cast<int>(UnaryOp::tanh), kSigmoid = static_cast<int>(UnaryOp::sigmoid);
  if (s.r.act == kTanh && s.r.rec == kSigmoid) {  // the default cell
    lstm_cell_grad_units<kTanh, kSigmoid>(g, u, c, tc, dh, dsh, dc, dsc, dz, s.r.act, s.r.rec);
  } else {
    lstm_cell_grad_units<-1, -1>(g, u, c, tc, dh, dsh, dc, dsc, dz, s.r.act, s.r.rec);
  }
}

// carry's dh rows [b0, b1) += dz U^T with dz = dxw[t] rows [b0, b1). `ukT`: U^T [4 units, units] made once by a
// caller that runs many steps (the GEMM then packs contiguous rows), or null to read U transposed.
inline void lstm_carry_rows(const LstmBuffers& s, size_t t, size_t b0, size_t b1, const float* ukT = nullptr) {
  const size_t u = s.r.units, w = 4 * u;
  const float* dz = s.dxw + (t * s.r.batch + b0) * w;
  if (ukT != nullptr) {
    sgemm_builtin(false, false, b1 - b0, u, w, 1.f, dz, ukT, 1.f, s.carry + b0 * u);
  } else {
    sgemm_builtin(false, true, b1 - b0, u, w, 1.f, dz, s.uk, 1.f, s.carry + b0 * u);
  }
}

}  // namespace myelin
