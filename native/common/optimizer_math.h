// Per-element optimizer updates, shared by the CPU and CUDA flavours. Each function updates one
// parameter element in place; scalars that are the same for every element (bias corrections) are
// computed once by the caller. The formulas are those of lib/backend/backend.ts.
#pragma once

#include <cmath>

#include "hd.h"

namespace myelin {

// SGD: g = grad + wd p; with momentum: v = mu v + g, step = v (nesterov: g + mu v); p -= lr step.
MYELIN_HD void sgd_update(float& p, float grad, float* v, float lr, float mu, bool nesterov, float wd) {
  const float g = grad + wd * p;
  float step = g;
  if (v != nullptr) {
    const float vel = mu * *v + g;
    *v = vel;
    step = nesterov ? g + mu * vel : vel;
  }
  p -= lr * step;
}

// Scalars of one Adam step: bc1 = 1 - b1^t, bc2 = 1 - b2^t.
struct AdamScalars {
  float lr, beta1, beta2, eps, wd;
  float inv_bc1;       // 1 / (1 - b1^t)
  float inv_bc2;       // 1 / (1 - b2^t)
  bool decoupled;
};

// Adam: g = grad (+ wd p unless decoupled); decoupled: p -= lr wd p first;
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (amsgrad, vmax != null);
// p -= lr (m / bc1) / (sqrt(v' / bc2) + eps).
MYELIN_HD void adam_update(float& p, float grad, float& m, float& v, float* vmax, const AdamScalars& s) {
  float g = grad;
  if (s.decoupled) p -= s.lr * s.wd * p;
  else g += s.wd * p;
  m = s.beta1 * m + (1.f - s.beta1) * g;
  v = s.beta2 * v + (1.f - s.beta2) * g * g;
  float vv = v;
  if (vmax != nullptr) {
    if (v > *vmax) *vmax = v;
    vv = *vmax;
  }
  p -= s.lr * (m * s.inv_bc1) / (sqrtf(vv * s.inv_bc2) + s.eps);
}

// Adagrad: g = grad + wd p; acc += g^2; p -= lr g / (sqrt(acc) + eps).
MYELIN_HD void adagrad_update(float& p, float grad, float& acc, float lr, float eps, float wd) {
  const float g = grad + wd * p;
  acc += g * g;
  p -= lr * g / (sqrtf(acc) + eps);
}

// RMSprop: g = grad + wd p; sq = rho sq + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g,
// denom = sqrt(sq - mg^2) + eps, else sqrt(sq) + eps; momentum (buf != null): buf = mu buf + g / denom,
// p -= lr buf; else p -= lr g / denom.
MYELIN_HD void rmsprop_update(float& p, float grad, float& sq, float* mg, float* buf, float lr, float rho,
                              float mu, float eps, float wd) {
  const float g = grad + wd * p;
  sq = rho * sq + (1.f - rho) * g * g;
  float avg = sq;
  if (mg != nullptr) {
    *mg = rho * *mg + (1.f - rho) * g;
    avg = sq - *mg * *mg;
  }
  const float denom = sqrtf(avg) + eps;
  if (buf != nullptr) {
    *buf = mu * *buf + g / denom;
    p -= lr * *buf;
  } else {
    p -= lr * g / denom;
  }
}

}  // namespace myelin
