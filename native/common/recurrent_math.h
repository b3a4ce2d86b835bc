// Per-element math of the recurrent cells (lstmStep, gruStep, rnnStep and their gradients), shared by the CPU loops
// and the CUDA kernels. A cell's activations are unary op ids (tanh, sigmoid, relu, linear); derivatives are taken
// from the activation's output y. Index j < units of one batch row; `u` is units.
#pragma once

#include <cstddef>

#include "hd.h"
#include "kernel_ids.h"
#include "unary_math.h"

namespace myelin {

// f(x) for the activations a cell accepts (anything else is linear; the ops layer lets only these four through).
MYELIN_HD float cell_act(int op, float x) {
  switch (static_cast<UnaryOp>(op)) {
    case UnaryOp::tanh:
      return unary_forward<int(UnaryOp::tanh)>(x, 0.f);
    case UnaryOp::sigmoid:
      return unary_forward<int(UnaryOp::sigmoid)>(x, 0.f);
    case UnaryOp::relu:
      return unary_forward<int(UnaryOp::relu)>(x, 0.f);
    default:
      return x;
  }
}

// f'(x) from y = f(x).
MYELIN_HD float cell_act_grad(int op, float y) {
  switch (static_cast<UnaryOp>(op)) {
    case UnaryOp::tanh:
      return 1.f - y * y;
    case UnaryOp::sigmoid:
      return y * (1.f - y);
    case UnaryOp::relu:
      return y > 0.f ? 1.f : 0.f;
    default:
      return 1.f;
  }
}

// LSTM forward for unit j: z (4 u, i f c o) holds xw + h U on entry and the gates [i, f, g, o] on exit;
// c is the previous cell state, writes c' and h'.
MYELIN_HD void lstm_cell(float* z, size_t u, size_t j, float c, float* c_out, float* h_out, int act, int rec) {
  const float i = cell_act(rec, z[j]), f = cell_act(rec, z[u + j]), g = cell_act(act, z[2 * u + j]);
  const float o = cell_act(rec, z[3 * u + j]);
  const float cn = f * c + i * g;
  z[j] = i, z[u + j] = f, z[2 * u + j] = g, z[3 * u + j] = o;
  *c_out = cn;
  *h_out = o * cell_act(act, cn);
}

// LSTM backward for unit j: gates [i, f, g, o] of the step, c the previous cell state and tc = act(c') of the new
// one, dh and dc the gradients of h' and c'; writes dz (4 u) and returns dc of the previous cell state.
MYELIN_HD float lstm_cell_grad(const float* gates, size_t u, size_t j, float c, float tc, float dh, float dc, float* dz,
                               int act, int rec) {
  const float i = gates[j], f = gates[u + j], g = gates[2 * u + j], o = gates[3 * u + j];
  const float dct = dc + dh * o * cell_act_grad(act, tc);
  dz[j] = dct * g * cell_act_grad(rec, i);
  dz[u + j] = dct * c * cell_act_grad(rec, f);
  dz[2 * u + j] = dct * i * cell_act_grad(act, g);
  dz[3 * u + j] = dh * tc * cell_act_grad(rec, o);
  return dct * f;
}

// GRU (reset_after) forward for unit j: xw (3 u, z r h), a (3 u) = h U on entry, a + recurrent bias on exit;
// gates (3 u) gets [z, r, n]; returns h'.
MYELIN_HD float gru_cell(const float* xw, float* a, const float* bias, float* gates, size_t u, size_t j, float h,
                         int act, int rec) {
  const float az = a[j] + bias[j], ar = a[u + j] + bias[u + j], ah = a[2 * u + j] + bias[2 * u + j];
  a[j] = az, a[u + j] = ar, a[2 * u + j] = ah;
  const float z = cell_act(rec, xw[j] + az), r = cell_act(rec, xw[u + j] + ar);
  const float n = cell_act(act, xw[2 * u + j] + r * ah);
  gates[j] = z, gates[u + j] = r, gates[2 * u + j] = n;
  return z * h + (1.f - z) * n;
}

// GRU backward for unit j: gates [z, r, n], a (with bias), previous h, dh of h'; writes dxw (3 u) and da (3 u) and
// returns the direct part of dh of the previous state (dh' z).
MYELIN_HD float gru_cell_grad(const float* gates, const float* a, size_t u, size_t j, float h, float dh, float* dxw,
                              float* da, int act, int rec) {
  const float z = gates[j], r = gates[u + j], n = gates[2 * u + j];
  const float dn = dh * (1.f - z) * cell_act_grad(act, n);
  const float dzz = dh * (h - n) * cell_act_grad(rec, z);
  const float dr = dn * a[2 * u + j] * cell_act_grad(rec, r);
  dxw[j] = dzz, dxw[u + j] = dr, dxw[2 * u + j] = dn;
  da[j] = dzz, da[u + j] = dr, da[2 * u + j] = dn * r;
  return dh * z;
}

}  // namespace myelin
