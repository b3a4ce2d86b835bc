// Per-element optimizer updates, shared by the CPU and CUDA flavours. Each function updates one
// parameter element in place; scalars that are the same for every element (bias corrections) are
// computed once by the caller. The formulas are those of lib/backend/kernel-table.ts. `T` is the compute type:
// the CPU flavour uses double (state is stored as float, rounded once per step), a GPU may use float.
//
// Two conventions, chosen by `keras` (lib/optimizers/convention.ts):
// - Keras 3 (keras/src/optimizers/*.py, update_step; base_optimizer.py _apply_weight_decay): weight decay is
//   always decoupled (p -= lr wd p before the update), momentum buffers hold lr-scaled steps, and epsilon sits
//   inside the root (adagrad, rmsprop) or outside the un-corrected root (adam's "epsilon hat");
// - PyTorch (torch/optim/*.py): weight decay is L2 (g += wd p; adam's `decoupled` is AdamW), momentum buffers
//   hold gradients, epsilon is added to the (bias-corrected) root.
#pragma once

#include <cmath>

#include "hd.h"

namespace myelin {

// SGD. keras: p -= lr wd p; with momentum v = mu v - lr g, p += v (nesterov: p += mu v - lr g); else p -= lr g.
// pytorch: g = grad + wd p; with momentum v = mu v + g, step = v (nesterov: g + mu v); p -= lr step.
template <class T>
MYELIN_HD void sgd_update(float& p, float grad, float* v, T lr, T mu, bool nesterov, T wd, bool keras) {
  if (keras) {
    const T g = grad;
    const T pp = p - lr * wd * p;
    if (v == nullptr) {
      p = static_cast<float>(pp - lr * g);
      return;
    }
    const T vel = mu * *v - lr * g;
    *v = static_cast<float>(vel);
    p = static_cast<float>(nesterov ? pp + (mu * vel - lr * g) : pp + vel);
    return;
  }
  const T g = grad + wd * p;
  T step = g;
  if (v != nullptr) {
    const T vel = mu * *v + g;
    *v = static_cast<float>(vel);
    step = nesterov ? g + mu * vel : vel;
  }
  p = static_cast<float>(p - lr * step);
}

// Scalars of one Adam step at 1-based step t, bc1 = 1 - b1^t, bc2 = 1 - b2^t (adam_scalars sets them).
template <class T>
struct AdamScalars {
  T lr, beta1, beta2, eps, wd;
  T step_scale;  // pytorch: lr / bc1; keras: lr sqrt(bc2) / bc1 (Keras's alpha)
  T v_scale;     // pytorch: 1 / bc2; keras: 1
  bool decoupled;
};

// Fills the step-dependent scalars of `s`, computed in double (the CPU step; each thread of the CUDA kernel, from
// the rate and step number it reads in the optimizer's hyper buffer).
template <class T>
MYELIN_HD void adam_step_scalars(AdamScalars<T>& s, double lr, double beta1, double beta2, double step, bool keras) {
  const double bc1 = 1.0 - std::pow(beta1, step), bc2 = 1.0 - std::pow(beta2, step);
  s.lr = static_cast<T>(lr);
  s.step_scale = static_cast<T>(keras ? lr * std::sqrt(bc2) / bc1 : lr / bc1);
  s.v_scale = static_cast<T>(keras ? 1.0 : 1.0 / bc2);
}

// Adam: g = grad (+ wd p unless decoupled); decoupled: p -= lr wd p first;
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (amsgrad, vmax != null);
// p -= step_scale m / (sqrt(v' v_scale) + eps): pytorch (lr / bc1) m / (sqrt(v' / bc2) + eps),
// keras (lr sqrt(bc2) / bc1) m / (sqrt(v') + eps).
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
  p = static_cast<float>(pp - s.step_scale * mm / (std::sqrt(vv * s.v_scale) + s.eps));
}

// Adagrad. keras: p -= lr wd p; acc += g^2; p -= lr g / sqrt(acc + eps).
// pytorch: g = grad + wd p; acc += g^2; p -= lr g / (sqrt(acc) + eps).
template <class T>
MYELIN_HD void adagrad_update(float& p, float grad, float& acc, T lr, T eps, T wd, bool keras) {
  const T g = keras ? T(grad) : grad + wd * p;
  const T pp = keras ? p - lr * wd * p : T(p);
  const T a = acc + g * g;
  acc = static_cast<float>(a);
  const T denom = keras ? std::sqrt(a + eps) : std::sqrt(a) + eps;
  p = static_cast<float>(pp - lr * g / denom);
}

// RMSprop: sq = rho sq + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g, var = sq - mg^2, else var = sq.
// keras: p -= lr wd p; inc = lr g / sqrt(var + eps); momentum (buf != null): buf = mu buf + inc, p -= buf;
// else p -= inc. pytorch: g = grad + wd p; denom = sqrt(var) + eps; momentum: buf = mu buf + g / denom,
// p -= lr buf; else p -= lr g / denom.
template <class T>
MYELIN_HD void rmsprop_update(float& p, float grad, float& sq, float* mg, float* buf, T lr, T rho, T mu, T eps, T wd,
                              bool keras) {
  const T g = keras ? T(grad) : grad + wd * p;
  const T pp = keras ? p - lr * wd * p : T(p);
  const T s = rho * sq + (1 - rho) * g * g;
  sq = static_cast<float>(s);
  T avg = s;
  if (mg != nullptr) {
    const T m = rho * *mg + (1 - rho) * g;
    *mg = static_cast<float>(m);
    avg = s - m * m;
  }
  // The increment before the learning rate (pytorch) or after it (keras).
  const T inc = keras ? lr * g / std::sqrt(avg + eps) : g / (std::sqrt(avg) + eps);
  const T scale = keras ? T(1) : lr;
  if (buf != nullptr) {
    const T b = mu * *buf + inc;
    *buf = static_cast<float>(b);
    p = static_cast<float>(pp - scale * b);
  } else {
    p = static_cast<float>(pp - scale * inc);
  }
}

}  // namespace myelin
