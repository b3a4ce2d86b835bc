// Normal draws from Philox4x32-10 (philox.h) for the gaussianNoise kernel, compiled by both flavours (g++ and nvcc)
// and mirrored by lib/backend/reference/noise.ts: block b of call t (the counter in a state buffer, as dropout's)
// under key (k0, k1) gives the words w0..w3 of philox((b lo, b hi, t lo, t hi), key), and from each pair
// (w0, w1), (w2, w3) two standard normals by Box-Muller in double precision:
//   u1 = ((w_a >> 8) + 1/2) 2^-24 in (0, 1), u2 = (w_b >> 8) 2^-24, r = sqrt(-2 ln u1),
//   z_a = r cos(2 pi u2), z_b = r sin(2 pi u2), each rounded to float.
#pragma once

#include <cmath>
#include <cstdint>

#include "hd.h"
#include "philox.h"

namespace myelin {

// The 4 normals of block b in call t.
MYELIN_HD void gaussian_block(uint64_t b, uint64_t t, uint32_t k0, uint32_t k1, float z[4]) {
  const Philox4 w = philox4x32_10(uint32_t(b), uint32_t(b >> 32), uint32_t(t), uint32_t(t >> 32), k0, k1);
  for (int j = 0; j < 4; j += 2) {
    const double u1 = (double(w.v[j] >> 8) + 0.5) * (1.0 / 16777216.0);
    const double u2 = double(w.v[j + 1] >> 8) * (1.0 / 16777216.0);
    const double r = sqrt(-2.0 * log(u1));
    z[j] = float(r * cos(6.283185307179586 * u2));
    z[j + 1] = float(r * sin(6.283185307179586 * u2));
  }
}

}  // namespace myelin
