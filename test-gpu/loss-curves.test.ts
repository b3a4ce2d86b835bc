/**
 * cuda against cpu on the same seeded training: a 64-128-128-10 MLP, batch 32, 60 Adam steps. The weights,
 * data and batches are identical (the generator is host-side and seeded), so the two loss curves may only
 * differ by float32 rounding that grows slowly with the steps: the first loss agrees to 1e-5 relative, every
 * loss to 2e-3 relative, and both curves fall by more than half. Runs with the cuBLAS GEMM and with the
 * built-in tiled kernel, and once more with TF32 (looser: 5e-2; TF32 rounds the GEMM inputs to 10 mantissa bits and the difference grows with the steps: 2.2e-2 was seen at step 49 on an H200).
 */
import { trainMlp, type MlpSpec } from '../benchmarks/gpu/mlp';
import { requireCuda } from './require-gpu';

const SPEC: MlpSpec = { layers: [64, 128, 128, 10], batch: 32, samples: 32 * 20, steps: 60, seed: 7, lr: 3e-3 };

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

describe('cuda vs cpu loss curves (same seed)', () => {
  const info = requireCuda().native;
  const cpu = trainMlp(SPEC, { name: 'cpu' });

  test('the cpu curve itself learns (sanity of the reference run)', () => {
    expect(cpu.losses).toHaveLength(SPEC.steps);
    expect(cpu.losses[SPEC.steps - 1]).toBeLessThan(cpu.losses[0] * 0.5);
  });

  const variants: Array<[string, { cublas?: string; tf32?: boolean }, number]> = [
    [`default GEMM (${info.gemm})`, {}, 2e-3],
    ['built-in tiled GEMM', { cublas: 'builtin' }, 2e-3],
  ];
  if (info.cublas.loaded) variants.push(['cuBLAS with TF32', { tf32: true }, 5e-2]);

  test.each(variants)('%s: same curve within rounding', (_name, options, tol) => {
    const gpu = trainMlp(SPEC, { name: 'cuda', options });
    expect(gpu.losses).toHaveLength(SPEC.steps);
    expect(relDiff(gpu.losses[0], cpu.losses[0])).toBeLessThan(tol === 2e-3 ? 1e-5 : tol);
    gpu.losses.forEach((l, i) => {
      if (!(relDiff(l, cpu.losses[i]) < tol)) {
        throw new Error(`step ${i}: cuda loss ${l}, cpu loss ${cpu.losses[i]} (relative difference ${relDiff(l, cpu.losses[i])} >= ${tol})`);
      }
    });
    expect(gpu.losses[SPEC.steps - 1]).toBeLessThan(gpu.losses[0] * 0.5);
  });
});
