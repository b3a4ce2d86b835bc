// Per-element optimizer updates, shared by the CPU and CUDA flavours. Each function updates one
// parameter element in place; scalars that are the same for every element (bias corrections) are
// computed once by the caller. The formulas are those of lib/backend/backend.ts. `T` is the compute type:
// the CPU flavour uses double (state is stored as float, rounded once per step), a GPU may use float.
#pragma once

#include <cmath>

#include "hd.h"

namespace myelin {

// SGD: g = grad + wd p; with momentum: v = mu v + g, step = v (nesterov: g + mu v); p -= lr step.
template <class T>
MYELIN_HD void sgd_update(float& p, float grad, float* v, T lr, T mu, bool nesterov, T wd) {
  const T g = grad + wd * p;
  T step = g;
  if (v != nullptr) {
    const T vel = mu * *v + g;
    *v = static_cast<float>(vel);
    step = nesterov ? g + mu * vel : vel;
  }
  p = static_cast<float>(p - lr * step);
}

// Scalars of one Adam step: bc1 = 1 - b1^t, bc2 = 1 - b2^t.
template <class T>
struct AdamScalars {
  T lr, beta1, beta2, eps, wd;
  T inv_bc1;  // 1 / (1 - b1^t)
  T inv_bc2;  // 1 / (1 - b2^t)
  bool decoupled;
};

// Adam: g = grad (+ wd p unless decoupled); decoupled: p -= lr wd p first;
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (amsgrad, vmax != null);
// p -= lr (m / bc1) / (sqrt(v' / bc2) + eps).
template <class T>
MYELIN_HD void adam_update(float& p, float grad, float& m, float& v, float* vmax, const AdamScalars<T>& s) {
  T g = grad, pp = p;
  if (s.decoupled)
    pp -= s.lr * s.wd * pp;
  else
    g += s.wd * pp;
  const T mm = s.beta1 * m + (1 - s.beta1) * g;
  T vv = s.beta2 * v + (1 - s.beta2) * g * g;
  m = static_cast<float>(mm);
  v = static_cast<float>(vv);
  if (vmax != nullptr) {
    if (v > *vmax) *vmax = v;
    vv = *vmax;
  }
  p = static_cast<float>(pp - s.lr * (mm * s.inv_bc1) / (std::sqrt(vv * s.inv_bc2) + s.eps));
}

// Adagrad: g = grad + wd p; acc += g^2; p -= lr g / (sqrt(acc) + eps).
template <class T>
MYELIN_HD void adagrad_update(float& p, float grad, float& acc, T lr, T eps, T wd) {
  const T g = grad + wd * p;
  const T a = acc + g * g;
  acc = static_cast<float>(a);
  p = static_cast<float>(p - lr * g / (std::sqrt(a) + eps));
}

// RMSprop: g = grad + wd p; sq = rho sq + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g,
// denom = sqrt(sq - mg^2) + eps, else sqrt(sq) + eps; momentum (buf != null): buf = mu buf + g / denom,
// p -= lr buf; else p -= lr g / denom.
template <class T>
MYELIN_HD void rmsprop_update(float& p, float grad, float& sq, float* mg, float* buf, T lr, T rho, T mu, T eps, T wd) {
  const T g = grad + wd * p;
  const T s = rho * sq + (1 - rho) * g * g;
  sq = static_cast<float>(s);
  T avg = s;
  if (mg != nullptr) {
    const T m = rho * *mg + (1 - rho) * g;
    *mg = static_cast<float>(m);
    avg = s - m * m;
  }
  const T denom = std::sqrt(avg) + eps;
  if (buf != nullptr) {
    const T b = mu * *buf + g / denom;
    *buf = static_cast<float>(b);
    p = static_cast<float>(p - lr * b);
  } else {
    p = static_cast<float>(p - lr * g / denom);
  }
}

}  // namespace myelin
