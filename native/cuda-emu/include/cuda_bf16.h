// The host emulator's cuda_bf16.h: the bfloat16 type and the conversions the cuda flavour uses, rounding as the
// device does (round to nearest even, NaN kept), with the rule of native/common/half_round.h.
#pragma once

#include <cstdint>

#include "../../common/half_round.h"

struct __nv_bfloat16 {
  uint16_t bits;
};

inline __nv_bfloat16 __float2bfloat16_rn(float x) {
  return __nv_bfloat16{static_cast<uint16_t>(myelin::round_bfloat16_bits(myelin::float_bits(x)) >> 16)};
}

inline float __bfloat162float(__nv_bfloat16 h) { return myelin::bits_float(static_cast<uint32_t>(h.bits) << 16); }
