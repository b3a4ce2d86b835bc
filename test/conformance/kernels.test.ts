/**
 * Kernel-level conformance: every backend that loads here (see backends.ts) is compared with the float64
 * reference backend, kernel by kernel, at sizes 0 / 1 / 7 / 129 / 1000. Tolerances (compare.ts): 1e-5 relative
 * (+ 1e-6 absolute) for elementwise results; sums, GEMM and softmax scale with their inner dimension.
 */
import { BACKENDS } from './backends';
import { dataMovementCases } from './cases/data-movement';
import { dropoutCases } from './cases/dropout';
import { elementwiseCases } from './cases/elementwise';
import { linalgCases } from './cases/linalg';
import { lossCases } from './cases/losses';
import { optimizerCases } from './cases/optimizers';
import { reductionCases } from './cases/reductions';

describe.each(BACKENDS.map((e) => [e.name, e] as const))('%s backend', (_name, entry) => {
  describe('elementwise', () => elementwiseCases(entry));
  describe('reductions and softmax', () => reductionCases(entry));
  describe('gemm and dense', () => linalgCases(entry));
  describe('data movement', () => dataMovementCases(entry));
  describe('optimizers', () => optimizerCases(entry));
  describe('softmax cross-entropy', () => lossCases(entry));
  describe('dropout', () => dropoutCases(entry));
});
