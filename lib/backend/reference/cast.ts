/**
 * Reference rounding of float32 values to bfloat16 / float16 (kept as float32), written on the bit patterns so
 * that every case (ties, subnormals, overflow, NaN) is spelled out: the same rule as native/common/half_round.h.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value nearest to x in bfloat16 (round to nearest, ties to even; NaN quiet, sign kept). */
export function roundBfloat16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7fffffff) > 0x7f800000) {
    u32[0] = (u | 0x00400000) & 0xffff0000;
    return f32[0];
  }
  const lower = u & 0xffff;
  let upper = u >>> 16;
  if (lower > 0x8000 || (lower === 0x8000 && (upper & 1) === 1)) upper += 1;  // carries into the exponent: to inf
  u32[0] = (upper << 16) >>> 0;
  return f32[0];
}

/** The float32 value nearest to x in float16 (ties to even; >= 65520 in magnitude: infinity; NaN quiet). */
export function roundFloat16(x: number): number {
  f32[0] = x;
  const v = f32[0];
  if (Number.isNaN(v)) {
    u32[0] = u32[0] | 0x00400000;
    return f32[0];
  }
  const a = Math.abs(v);
  if (a === Infinity || a === 0) return v;
  // The spacing of float16 values around a: 2^(e - 10) for a in [2^e, 2^(e + 1)), e >= -14 (e read from the
  // float32 exponent bits); 2^-24 below 2^-14 (subnormals).
  const e = ((u32[0] >>> 23) & 0xff) - 127;
  const quantum = 2 ** (Math.max(e, -14) - 10);
  const q = a / quantum;  // exact: a float32 divided by a power of two
  let n = Math.floor(q);
  const rest = q - n;
  if (rest > 0.5 || (rest === 0.5 && n % 2 === 1)) n += 1;
  const rounded = n * quantum;
  const out = rounded >= 65520 ? Infinity : rounded;
  return v < 0 ? -out : out;
}

/** roundToHalf kernel (lib/backend/kernel-table.ts): out[i] = x[i] rounded to bfloat16, or float16 when `float16`. */
export function roundToHalf(x: Float32Array, out: Float32Array, n: number, float16: boolean): void {
  const round = float16 ? roundFloat16 : roundBfloat16;
  for (let i = 0; i < n; i++) out[i] = round(x[i]);
}
