/**
 * Per-element formulas of the unary and binary kernels in float64: the single definition shared by the
 * reference backend and by the ops layer (which may use them for tiny tensors). Every function takes and
 * returns plain JS numbers; nothing here rounds to float32.
 */
import type { BinaryOp, UnaryOp } from '../kernel-ids';

const SQRT1_2 = Math.SQRT1_2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf(x) for |x| < 2.5: (2/sqrt(pi)) e^(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!! (all terms positive). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 2.5 by the continued fraction e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
function erfcContinuedFraction(x: number): number {
  let t = x;
  for (let n = 80; n >= 1; n--) t = x + n / 2 / t;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * t);
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate to ~1e-14 relative for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2.5) return erfcContinuedFraction(x);
  if (x > -2.5) return 1 - (x >= 0 ? erfSeries(x) : -erfSeries(-x));
  return 2 - erfcContinuedFraction(-x);
}

/** The error function erf(x) = (2/sqrt(pi)) int_0^x e^(-t^2) dt, accurate to ~1e-14 relative. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const r = ax < 2.5 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
  return x < 0 ? -r : r;
}

/** sigmoid(x) = 1 / (1 + e^-x), evaluated without overflow for any x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Standard normal CDF Phi(x) = 0.5 erfc(-x / sqrt 2) (keeps relative accuracy for very negative x). */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** pow with C (IEEE 754 `pow`) semantics, which differ from JS `**` for pow(1, NaN) and pow(-1, +-Inf). */
export function cPow(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return a ** b;
}

/** 1 - tanh(x)^2 = sech(x)^2 = 4 / (e^x + e^-x)^2, exact in relative terms for any |x|. */
function tanhDerivative(x: number): number {
  const ax = Math.abs(x);
  if (ax > 350) return 0;
  const e = Math.exp(-2 * ax); // sech^2 = 4 e^-2|x| / (1 + e^-2|x|)^2
  return (4 * e) / ((1 + e) * (1 + e));
}

/**
 * out = f(x; param), the forward formula of every unary kernel (see kernel-ids.ts):
 * gelu = x * Phi(x) (exact erf form), softplus = max(x, 0) + log1p(exp(-|x|)), elu = x > 0 ? x : param (e^x - 1),
 * leakyRelu = x > 0 ? x : param x, powScalar = x ** param, clipAbs = min(max(x, -param), param).
 */
export function unaryForward(op: UnaryOp, x: number, param: number): number {
  switch (op) {
    case 'neg': return -x;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'sqrt': return Math.sqrt(x);
    case 'square': return x * x;
    case 'abs': return Math.abs(x);
    case 'relu': return x < 0 ? 0 : x;  // NaN passes through, as in PyTorch and the native flavours
    case 'sigmoid': return sigmoid(x);
    case 'tanh': return Math.tanh(x);
    case 'leakyRelu': return x > 0 ? x : param * x;
    case 'elu': return x > 0 ? x : param * Math.expm1(x);
    case 'gelu': return x * normalCdf(x);
    case 'silu': return x * sigmoid(x);
    case 'softplus': return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case 'powScalar': return cPow(x, param);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
    case 'reciprocal': return 1 / x;
    case 'scale': return x * param;
    case 'addScalar': return x + param;
    case 'clipAbs': return Math.min(Math.max(x, -param), param);
    case 'linear': return x;
  }
}

/**
 * f'(x; param) in float64. `y` = f(x; param) is accepted so callers can pass what a kernel has, but the
 * derivative is recomputed from x in stable forms (sigmoid' = s(x) s(-x), tanh' = 4 / (e^x + e^-x)^2), because
 * y(1 - y) or 1 - y^2 from a float32 y lose all relative accuracy where the function saturates.
 * At kinks: relu'(0) = 0, abs'(0) = 0, sign' = 0, leakyRelu'(0) = param, elu'(x <= 0) = param e^x,
 * clipAbs' = 1 where |x| <= param else 0; powScalar' = param x^(param-1) (0 when param is 0, as in PyTorch).
 * gelu' = Phi(x) + x phi(x); silu' = s (1 + x (1 - s)); softplus' = sigmoid(x).
 */
export function unaryDerivative(op: UnaryOp, x: number, y: number, param: number): number {
  switch (op) {
    case 'neg': return -1;
    case 'exp': return Math.exp(x);
    case 'log': return 1 / x;
    case 'sqrt': return 0.5 / Math.sqrt(x);
    case 'square': return 2 * x;
    case 'abs': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'relu': return x > 0 ? 1 : 0;
    case 'sigmoid': return sigmoid(x) * sigmoid(-x);
    case 'tanh': return tanhDerivative(x);
    case 'leakyRelu': return x > 0 ? 1 : param;
    case 'elu': return x > 0 ? 1 : param * Math.exp(x);
    case 'gelu': return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case 'silu': { const s = sigmoid(x); return s * (1 + x * (1 - s)); }
    case 'softplus': return sigmoid(x);
    case 'powScalar': return param === 0 ? 0 : param * cPow(x, param - 1);
    case 'sign': return 0;
    case 'reciprocal': return -1 / (x * x);
    case 'scale': return param;
    case 'addScalar': return 1;
    case 'clipAbs': return Math.abs(x) <= param ? 1 : 0;
    case 'linear': return 1;
  }
}

/**
 * out = f(a, b) of every binary kernel: add, sub, mul, div, pow (C pow semantics), maximum / minimum
 * (NaN propagates), equal (a == b ? 1 : 0), greater (a > b ? 1 : 0).
 */
export function binaryForward(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return cPow(a, b);
    case 'maximum': return Math.max(a, b);
    case 'minimum': return Math.min(a, b);
    case 'equal': return a === b ? 1 : 0;
    case 'greater': return a > b ? 1 : 0;
  }
}
