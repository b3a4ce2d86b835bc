/** Central-difference gradient checks for ops, layers, losses and regularizers. */
import { valueAndGrads } from '../../lib/autograd/gradients';
import { noGrad } from '../../lib/autograd/tape';
import { tensor } from '../../lib/ops/creation';
import { sum } from '../../lib/ops/reduce';
import { mul } from '../../lib/ops/binary';
import { tidy } from '../../lib/tensor/scope';
import { Random } from '../../lib/tensor/random';
import type { Tensor } from '../../lib/tensor/tensor';

/** Random values in [lo, hi), optionally kept at least `gap` away from the points in `avoid`. */
export function randomValues(n: number, seed: number, lo = -2, hi = 2, avoid: number[] = [], gap = 0.05): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = lo + (hi - lo) * rng.uniform(); while (avoid.some((a) => Math.abs(v - a) < gap));
    out[i] = v;
  }
  return out;
}

/**
 * Checks d/dx_i of L = sum(f(xs) * w) for random fixed weights w, against central differences
 * (L(x + h) - L(x - h)) / 2h for every element of every input. Float32 storage limits accuracy,
 * so h is 1e-2 relative and the tolerance is a few 1e-3.
 */
export function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: { shape: number[]; values: Float32Array }[],
  options: { h?: number; tol?: number; seed?: number } = {}): void {
  const h = options.h ?? 1e-2;
  const tol = options.tol ?? 5e-3;
  const xs = inputs.map((i) => tensor(i.values, i.shape));
  const probe = noGrad(() => f(...xs));
  const weights = tensor(randomValues(probe.size, options.seed ?? 99, 0.5, 1.5), probe.shape.slice());
  probe.dispose();
  const loss = (...args: Tensor[]) => sum(mul(f(...args), weights));
  const { value, grads } = valueAndGrads(() => loss(...xs), xs);
  value.dispose();
  const evalAt = (which: number, values: Float32Array): number => tidy(() => {
    const args = xs.map((x, j) => (j === which ? tensor(values, inputs[j].shape) : x));
    return noGrad(() => loss(...args)).dataSync()[0];
  });
  inputs.forEach((input, which) => {
    const analytic = grads[which].dataSync();
    const base = Float64Array.from(input.values);
    for (let i = 0; i < base.length; i++) {
      const step = h * Math.max(1, Math.abs(base[i]));
      const plus = Float32Array.from(base); plus[i] = base[i] + step;
      const minus = Float32Array.from(base); minus[i] = base[i] - step;
      const numeric = (evalAt(which, plus) - evalAt(which, minus)) / (plus[i] - minus[i]);
      const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
      if (Math.abs(numeric - analytic[i]) > tol * scale) {
        throw new Error(`gradient mismatch for input ${which} element ${i}: analytic ${analytic[i]}, numeric ${numeric}`);
      }
    }
  });
  xs.forEach((x) => x.dispose());
  grads.forEach((g) => g.dispose());
  weights.dispose();
}
