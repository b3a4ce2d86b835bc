/** Conformance of the loss kernels: sigmoid and softmax cross-entropy forward and gradient, sparse and dense targets. */
import { describeFamily } from './backends';
import { accumulationTol, ELEMENTWISE_TOL, expectEqual, softmaxTol } from './compare';
import { checkAgainstReference, forEachBackend, maxAbs, runOn } from './harness';
import { Rng } from './prng';

/** Dense target rows that sum to 1 (random non-negative weights, normalized in float64). */
function distributions(rng: Rng, rows: number, cols: number): Float32Array {
  const t = rng.uniform(rows * cols, 0, 1);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += t[r * cols + j];
    for (let j = 0; j < cols; j++) t[r * cols + j] /= s;
  }
  return t;
}

describeFamily('cross-entropy losses', () => {
  test.each([1, 7, 129, 1000, 0])('sigmoidCrossEntropy [%i] loss and gradient, logits near 0 and near +-100', (n) => {
    for (const [lo, hi] of [[-3, 3], [-100, 100], [90, 110], [-110, -90]]) {
      const rng = new Rng(n * 17 + lo);
      const logits = rng.uniform(n, lo, hi);
      const targets = rng.uniform(n, 0, 1);
      const fwd = checkAgainstReference({ logits, targets, loss: new Float32Array(n) },
        (be, b) => be.sigmoidCrossEntropy(b.logits, b.targets, b.loss, n),
        { loss: { rtol: 1e-5, atol: 1e-6 * (1 + maxAbs(logits)) } }, `sigmoidCrossEntropy [${n}] logits [${lo},${hi}]`);
      expect(Array.from(fwd.loss).every(Number.isFinite)).toBe(true);
      checkAgainstReference({ logits, targets, dLoss: rng.uniform(n, 0, 2), dLogits: new Float32Array(n) },
        (be, b) => be.sigmoidCrossEntropyGrad(b.logits, b.targets, b.dLoss, b.dLogits, n, 1, 1),
        { dLogits: ELEMENTWISE_TOL }, `sigmoidCrossEntropyGrad [${n}]`);
      // One shared upstream value times a scale equals the per-element call on that value, to the bit.
      const shared = rng.uniform(1, 0.5, 2);
      const scale = n > 0 ? 1 / n : 1;
      forEachBackend(({ name, backend: be }) => {
        const folded = runOn(be, { logits, targets, dLoss: shared, dLogits: new Float32Array(n) },
          (b) => be.sigmoidCrossEntropyGrad(b.logits, b.targets, b.dLoss, b.dLogits, n, 0, scale));
        const spread = runOn(be, { logits, targets, dLoss: new Float32Array(n).fill(Math.fround(shared[0] * Math.fround(scale))), dLogits: new Float32Array(n) },
          (b) => be.sigmoidCrossEntropyGrad(b.logits, b.targets, b.dLoss, b.dLogits, n, 1, 1));
        expectEqual(folded.dLogits, spread.dLogits, `${name} sigmoidCrossEntropyGrad stride 0 vs per-element values`);
      });
    }
  });

  const SHAPES: Array<[number, number]> = [[1, 1], [1, 7], [7, 129], [129, 7], [3, 1000], [1000, 7], [0, 7]];
  const RANGES: Array<[number, number]> = [[-3, 3], [990, 1010], [-1010, -990], [-50, 50]];
  describe.each([true, false])('softmaxCrossEntropy (sparse=%s)', (sparse) => {
    test.each(SHAPES)('[%i, %i] loss, probs and gradient, logits near 0 and near +-1000', (rows, cols) => {
      for (const [lo, hi] of RANGES) {
        const rng = new Rng(rows * 13 + cols + lo);
        const logits = rng.uniform(rows * cols, lo, hi);
        const targets = sparse ? Float32Array.from(rng.indices(rows, cols)) : distributions(rng, rows, cols);
        const fwd = checkAgainstReference({ logits, targets, probs: new Float32Array(rows * cols), loss: new Float32Array(rows) },
          (be, b) => be.softmaxCrossEntropy(b.logits, b.targets, b.probs, b.loss, rows, cols, sparse),
          { probs: softmaxTol(cols, false, maxAbs(logits)), loss: accumulationTol(cols, 1 + maxAbs(logits) / 100) },
          `softmaxCrossEntropy sparse=${sparse} [${rows},${cols}] logits [${lo},${hi}]`);
        expect(Array.from(fwd.loss).every(Number.isFinite)).toBe(true);
        checkAgainstReference({ probs: fwd.probs, targets, dLoss: rng.uniform(rows, 0, 2), dLogits: new Float32Array(rows * cols) },
          (be, b) => be.softmaxCrossEntropyGrad(b.probs, b.targets, b.dLoss, b.dLogits, rows, cols, sparse, 1, 1),
          { dLogits: ELEMENTWISE_TOL }, `softmaxCrossEntropyGrad sparse=${sparse} [${rows},${cols}]`);
        // One upstream value for every row (stride 0) times a scale: the gradient of the batch mean.
        const shared = rng.uniform(1, 0.5, 2);
        const scale = rows > 0 ? 1 / rows : 1;
        checkAgainstReference({ probs: fwd.probs, targets, dLoss: shared, dLogits: new Float32Array(rows * cols) },
          (be, b) => be.softmaxCrossEntropyGrad(b.probs, b.targets, b.dLoss, b.dLogits, rows, cols, sparse, 0, scale),
          { dLogits: ELEMENTWISE_TOL }, `softmaxCrossEntropyGrad stride 0 sparse=${sparse} [${rows},${cols}]`);
        // ... equals the per-row call on that value, scaled in float32 first, on this backend to the bit.
        const perRow = new Float32Array(rows).fill(Math.fround(shared[0] * Math.fround(scale)));
        forEachBackend(({ name, backend: be }) => {
          const spread = runOn(be, { probs: fwd.probs, targets, dLoss: perRow, dLogits: new Float32Array(rows * cols) },
            (b) => be.softmaxCrossEntropyGrad(b.probs, b.targets, b.dLoss, b.dLogits, rows, cols, sparse, 1, 1));
          const folded = runOn(be, { probs: fwd.probs, targets, dLoss: shared, dLogits: new Float32Array(rows * cols) },
            (b) => be.softmaxCrossEntropyGrad(b.probs, b.targets, b.dLoss, b.dLogits, rows, cols, sparse, 0, scale));
          expectEqual(folded.dLogits, spread.dLogits, `${name} softmaxCrossEntropyGrad stride 0 vs per-row values`);
        });
      }
    });
  });
});
