/** Conformance of the fused layer-normalization kernels: layerNorm (with and without gamma / beta) and layerNormGrad. */
import { describeFamily } from './backends';
import { accumulationTol } from './compare';
import { checkAgainstReference } from './harness';
import { Rng } from './prng';

const SHAPES: Array<[number, number]> = [[1, 1], [7, 3], [64, 32], [5, 1000], [1000, 7], [0, 4]];

describeFamily('layer norm', () => {
  describe.each([true, false])('with gamma and beta: %s', (affine) => {
    test.each(SHAPES)('layerNorm and layerNormGrad over [%i, %i]', (rows, cols) => {
      const rng = new Rng(rows * 31 + cols + (affine ? 1 : 0));
      const x = rng.uniform(rows * cols, -3, 3);
      // A row of equal values: variance 0, output beta (epsilon keeps it finite).
      if (rows > 1) x.fill(0.25, 0, cols);
      const gamma = rng.uniform(cols, 0.5, 1.5);
      const beta = rng.uniform(cols);
      const tol = accumulationTol(cols, 3);
      const fwd = checkAgainstReference(
        { x, gamma, beta, y: rng.uniform(rows * cols), mean: rng.uniform(rows), rstd: rng.uniform(rows) },
        (be, b) => be.layerNorm(b.x, affine ? b.gamma : null, affine ? b.beta : null, b.y, b.mean, b.rstd, rows, cols, 1e-3),
        { y: tol, mean: tol, rstd: { rtol: 1e-4, atol: 1e-6 } }, 'layerNorm');
      checkAgainstReference(
        { x, gamma, mean: fwd.mean, rstd: fwd.rstd, dy: rng.uniform(rows * cols), dx: rng.uniform(rows * cols),
          dgamma: rng.uniform(cols), dbeta: rng.uniform(cols) },
        (be, b) => be.layerNormGrad(b.x, affine ? b.gamma : null, b.mean, b.rstd, b.dy, b.dx, b.dgamma, b.dbeta, rows, cols),
        { dx: { rtol: 1e-4, atol: 1e-5 * Math.max(1, cols) }, dgamma: accumulationTol(rows, 3), dbeta: accumulationTol(rows) },
        'layerNormGrad');
    });
  });
});
