/**
 * Single-threaded SGEMM at 512 x 512 x 512: the built-in kernel against the BLAS library found
 * (OpenBLAS here). Prints GFLOP/s, the median of repeats. Run: npx tsc -p tsconfig.json && node
 * dist/benchmarks/gemm-builtin-vs-blas.js  (or through ts-node / jest-free runners).
 */
import { loadCpuAddon } from '../lib/native/loader';

const N = Number(process.env.GEMM_N ?? 512);
const REPEATS = Number(process.env.GEMM_REPEATS ?? 15);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const addon = loadCpuAddon();
  const a = Float32Array.from({ length: N * N }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = Float32Array.from({ length: N * N }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const c = new Float32Array(N * N);
  const flops = 2 * N * N * N;
  for (const blas of ['builtin', undefined]) {
    const info = addon.init({ blas, threads: 1 });
    for (let i = 0; i < 3; i++) addon.gemm(a, b, c, N, N, N, false, false, 1, 0); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t0 = process.hrtime.bigint();
      addon.gemm(a, b, c, N, N, N, false, false, 1, 0);
      rates.push(flops / Number(process.hrtime.bigint() - t0)); // flop/ns = GFLOP/s
    }
    const name = info.blas.library === 'builtin' ? `builtin (${info.simd})` : `${info.blas.library} (${info.blas.path})`;
    console.log(`${N}^3 sgemm, 1 thread, ${name}: ${median(rates).toFixed(1)} GFLOP/s (median of ${REPEATS})`);
  }
  addon.init({});
}

main();
