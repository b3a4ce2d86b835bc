/** Inputs for the gradient checks of max-like ops: no ties, and no two values within a finite difference's reach. */
import * as my from '../../lib/index';

/** The values (i - n / 2) * 0.1 for i < n, in a seeded shuffled order, as a tensor of `shape`. */
export function distinctValues(shape: number[], seed: number): my.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return my.tensor(v, shape);
}
