/** The orthogonal initializer (Keras `Orthogonal`, the default recurrent kernel initializer of the RNN layers). */
import * as creation from '../ops/creation';
import type { Initializer } from './initializer';
import { finiteOption, initOptions, initShape, seedOption } from './basic';

/**
 * Orthonormal rows or columns, as Keras: the shape is flattened to [rows, cols] (cols = last axis, rows = the
 * product of the others); a [max, min] matrix of N(0, 1) samples is orthonormalized (QR by Gram-Schmidt in float64,
 * signs of R's diagonal kept, as Keras's q * sign(diag(r))), transposed when rows < cols, and scaled by `gain`
 * (default 1). A square result W satisfies W W^T = gain^2 I.
 */
export function orthogonal(options?: { gain?: number; seed?: number }): Initializer {
  const o = initOptions('orthogonal', options);
  const gain = finiteOption('orthogonal', 'gain', o.gain ?? 1);
  const seed = seedOption('orthogonal', o.seed);
  return {
    className: 'Orthogonal',
    init(shape) {
      const s = initShape('orthogonal', shape);
      const cols = s.length === 0 ? 1 : s[s.length - 1];
      const rows = s.slice(0, -1).reduce((a, b) => a * b, 1);
      const [n, m] = [Math.max(rows, cols), Math.min(rows, cols)];
      const sample = creation.randomNormal([n, m], { seed });
      const a = Float64Array.from(sample.dataSync());
      sample.dispose();
      // Modified Gram-Schmidt on the m columns of the [n, m] matrix a.
      for (let j = 0; j < m; j++) {
        for (let k = 0; k < j; k++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += a[i * m + j] * a[i * m + k];
          for (let i = 0; i < n; i++) a[i * m + j] -= dot * a[i * m + k];
        }
        let norm = 0;
        for (let i = 0; i < n; i++) norm += a[i * m + j] * a[i * m + j];
        norm = Math.sqrt(norm) || 1;
        for (let i = 0; i < n; i++) a[i * m + j] /= norm;
      }
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (rows >= cols ? a[i * m + j] : a[j * m + i]);
      }
      return creation.tensor(out, s);
    },
    getConfig: () => ({ gain, seed: seed ?? null }),
  };
}
