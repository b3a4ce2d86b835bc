// The host emulator's cuda_fp16.h: the float16 type and the conversions the cuda flavour uses, rounding as the
// device does (round to nearest even, subnormals, overflow to infinity, NaN kept), with the rule of
// native/common/half_round.h; the 16-bit encoding is IEEE binary16.
#pragma once

#include <cstdint>

#include "../../common/half_round.h"

struct __half {
  uint16_t bits;
};

inline __half __float2half_rn(float x) {
  const uint32_t r = myelin::round_float16_bits(myelin::float_bits(x));
  const uint16_t sign = static_cast<uint16_t>((r >> 16) & 0x8000u);
  const uint32_t a = r & 0x7fffffffu;
  uint16_t bits;
  if (a > 0x7f800000u) {
    bits = 0x7e00u;  // quiet NaN
  } else if (a == 0x7f800000u) {
    bits = 0x7c00u;
  } else if (a >= 0x38800000u) {
    bits = static_cast<uint16_t>((a - (112u << 23)) >> 13);  // rebias the exponent from 127 to 15
  } else {
    bits = static_cast<uint16_t>(myelin::bits_float(a) * 16777216.0f);  // a multiple of 2^-24 below 2^-14
  }
  return __half{static_cast<uint16_t>(sign | bits)};
}

inline float __half2float(__half h) {
  const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  const uint32_t exponent = (h.bits >> 10) & 0x1fu, mantissa = h.bits & 0x3ffu;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;  // mantissa * 2^-24
    return myelin::bits_float(myelin::float_bits(magnitude) | sign);
  }
  if (exponent == 0x1fu) return myelin::bits_float(sign | 0x7f800000u | (mantissa << 13));
  return myelin::bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}
