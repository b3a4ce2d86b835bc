// Rounding of float32 values to the nearest bfloat16 or float16 value (round to nearest, ties to even), returned
// as float32: the values that a cast to the 16-bit type and back gives. Shared by the CPU flavour and the CUDA
// emulator's cuda_bf16.h / cuda_fp16.h; lib/backend/reference/cast.ts is the same rule in TypeScript.
// - bfloat16 keeps float32's exponent range: the low 16 bits are rounded off (subnormals included, the largest
//   finite values round up to infinity as a cast does);
// - float16: values of magnitude >= 65520 become infinity, those below 2^-14 round to multiples of 2^-24
//   (subnormals), to 0 below 2^-25 (2^-25 itself is a tie and goes to the even 0);
// - NaN stays NaN (made quiet, sign kept), infinities and signed zeros are kept.
#pragma once

#include <cstdint>
#include <cstring>

#include "hd.h"

namespace myelin {

MYELIN_HD uint32_t float_bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

MYELIN_HD float bits_float(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// The float32 bit pattern of x rounded to bfloat16 (its low 16 bits are 0).
MYELIN_HD uint32_t round_bfloat16_bits(uint32_t u) {
  if ((u & 0x7fffffffu) > 0x7f800000u) return (u | 0x00400000u) & 0xffff0000u;
  return (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
}

// The float32 bit pattern of x rounded to float16 (a value that float16 holds exactly, or an infinity or NaN).
MYELIN_HD uint32_t round_float16_bits(uint32_t u) {
  const uint32_t sign = u & 0x80000000u, a = u ^ sign;
  if (a > 0x7f800000u) return u | 0x00400000u;
  uint32_t r;
  if (a >= 0x38800000u) {  // float16 normal range: round off 13 mantissa bits
    r = (a + 0xfffu + ((a >> 13) & 1u)) & 0xffffe000u;
    if (r >= 0x47800000u) r = 0x7f800000u;  // 65520 and above: infinity
  } else {
    // Subnormal range: adding 0.5 leaves a float32 whose last bit is worth 2^-24, so the addition rounds |x| to a
    // multiple of 2^-24 (ties to even, the default rounding), and subtracting 0.5 again is exact (IEEE arithmetic
    // without -ffast-math: the compiler may not fold the two into nothing).
    r = float_bits((bits_float(a) + 0.5f) - 0.5f);
  }
  return r | sign;
}

MYELIN_HD float round_to_bfloat16(float x) { return bits_float(round_bfloat16_bits(float_bits(x))); }

MYELIN_HD float round_to_float16(float x) { return bits_float(round_float16_bits(float_bits(x))); }

}  // namespace myelin
