// The recurrent product of a step under recurrent dropout (recurrent.cc): gate g of k takes the previous state scaled
// by its own mask row, (h * drop[g]) U_g, U_g the gate's column block of U [units, k units]; the gradient carries
// dh += sum_g (dz_g U_g^T) * drop[g]. drop is [k, batch, units] (0 or 1 / (1 - rate)). Each row of the batch is
// independent, so the rows spread over the pool; the inner loops run over contiguous floats and vectorize.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../common/thread_pool.h"

namespace myelin {
namespace recurrent_dropout {

// out[b, :] = sum_g (h[b] * drop[g, b]) U_g into the gate blocks of out [batch, k units].
inline void product(size_t batch, size_t units, size_t k, const float* h, const float* uk, const float* drop,
                    float* out) {
  const size_t u = units, w = k * u;
  parallel_for(batch, std::max<size_t>(1, kParallelMin / std::max<size_t>(w * u, 1)), [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      float* ob = out + b * w;
      std::fill(ob, ob + w, 0.f);
      for (size_t g = 0; g < k; ++g) {
        const float* d = drop + (g * batch + b) * u;
        float* og = ob + g * u;
        for (size_t p = 0; p < u; ++p) {
          const float s = h[b * u + p] * d[p];
          if (s == 0.f) continue;
          const float* up = uk + p * w + g * u;
          for (size_t j = 0; j < u; ++j) og[j] += s * up[j];
        }
      }
    }
  });
}

// dh[b, p] += sum_g drop[g, b, p] sum_j dz[b, g u + j] U[p, g u + j] for dz [batch, k units].
inline void product_grad(size_t batch, size_t units, size_t k, const float* dz, const float* uk, const float* drop,
                         float* dh) {
  const size_t u = units, w = k * u;
  parallel_for(batch, std::max<size_t>(1, kParallelMin / std::max<size_t>(w * u, 1)), [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      for (size_t p = 0; p < u; ++p) {
        float acc = 0.f;
        for (size_t g = 0; g < k; ++g) {
          const float* zg = dz + b * w + g * u;
          const float* up = uk + p * w + g * u;
          float dot = 0.f;
          for (size_t j = 0; j < u; ++j) dot += zg[j] * up[j];
          acc += dot * drop[(g * batch + b) * u + p];
        }
        dh[b * u + p] += acc;
      }
    }
  });
}

}  // namespace recurrent_dropout
}  // namespace myelin
