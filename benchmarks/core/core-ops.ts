/**
 * Core-op benchmark of the native core (issue figures): SGEMM GFLOP/s of the `cpu` backend with its BLAS
 * library and with the built-in GEMM against NumPy, and the cost of one small op (add on 32 floats)
 * against PyTorch CPU. Rounds alternate myelin and Python; each figure is the median over rounds.
 *
 * Run: npm run build:ts && node dist/benchmarks/core/core-ops.js [--rounds 5]
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';

const SHAPES: [number, number, number][] = [[128, 784, 512], [1024, 1024, 1024]];
const PYTHON = process.env.MYELIN_PYTHON ?? '/usr/bin/python3';
const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** GFLOP/s of the active backend's gemm on an m x k @ k x n product (median of `repeats`). */
function gemmRate(m: number, k: number, n: number, repeats: number): number {
  const a = my.randomNormal([m, k], { seed: 1 });
  const b = my.randomNormal([k, n], { seed: 2 });
  const backend = a.backend;
  const out = backend.alloc(m * n);
  for (let i = 0; i < 3; i++) backend.gemm(a.storage, b.storage, out, m, n, k, false, false, 1, 0);
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    backend.gemm(a.storage, b.storage, out, m, n, k, false, false, 1, 0);
    rates.push((2 * m * k * n) / Number(process.hrtime.bigint() - t0));
  }
  a.dispose(); b.dispose();
  return median(rates);
}

/** Microseconds of one `my.add` on 32 floats, result disposed (median of `repeats` loops). */
function smallAddUs(calls: number, repeats: number): number {
  const a = my.randomNormal([32], { seed: 3 });
  const b = my.randomNormal([32], { seed: 4 });
  const perCall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) my.add(a, b).dispose();
    perCall.push(Number(process.hrtime.bigint() - t0) / calls / 1000);
  }
  return median(perCall);
}

interface PythonRound { numpy: string; sgemm: Record<string, number>; torch_add32_us: number | null }

function pythonRound(repeats: number, calls: number): PythonRound | null {
  const script = path.join(__dirname, '..', '..', '..', 'benchmarks', 'python', 'core_ops.py');
  try {
    const out = execFileSync(PYTHON, [script, SHAPES.map((s) => s.join('x')).join(','), String(repeats), String(calls)], { encoding: 'utf8' });
    return JSON.parse(out) as PythonRound;
  } catch (err) {
    console.log(`NumPy/PyTorch skipped: ${(err as Error).message.split('\n')[0]} (install with: apt-get install python3-numpy python3-torch)`);
    return null;
  }
}

function main(): void {
  const rows = new Map<string, number[]>();
  const push = (key: string, v: number | null | undefined) => { if (v != null) rows.set(key, [...(rows.get(key) ?? []), v]); };
  let numpyVersion = '';
  for (let round = 0; round < ROUNDS; round++) {
    for (const blas of [undefined, 'builtin']) {
      const info = my.setBackend('cpu', { blas });
      const label = blas ? 'builtin' : info.blas!.library;
      for (const [m, k, n] of SHAPES) push(`sgemm ${m}x${k}x${n} myelin-${label}`, gemmRate(m, k, n, 5));
    }
    my.setBackend('cpu');
    push('add32 myelin', smallAddUs(100000, 5));
    const py = pythonRound(5, 100000);
    if (py) {
      numpyVersion = py.numpy;
      for (const [m, k, n] of SHAPES) push(`sgemm ${m}x${k}x${n} numpy`, py.sgemm[`${m}x${k}x${n}`]);
      push('add32 torch', py.torch_add32_us);
    }
  }
  const info = my.setBackend('cpu');
  console.log(`\nmyelin cpu backend: ${info.device}, BLAS ${info.blas?.library} (${info.blas?.path}); NumPy ${numpyVersion}; ${ROUNDS} rounds, medians\n`);
  console.log('| figure | myelin | peer | ratio |\n| --- | --- | --- | --- |');
  for (const [m, k, n] of SHAPES) {
    const np = rows.get(`sgemm ${m}x${k}x${n} numpy`);
    for (const label of [info.blas!.library, 'builtin']) {
      const mine = rows.get(`sgemm ${m}x${k}x${n} myelin-${label}`)!;
      const ratio = np ? (median(mine) / median(np)).toFixed(2) : 'n/a';
      console.log(`| sgemm ${m}x${k}x${n} GFLOP/s (${label}) | ${median(mine).toFixed(1)} | NumPy ${np ? median(np).toFixed(1) : 'n/a'} | ${ratio}x |`);
    }
  }
  const mineAdd = median(rows.get('add32 myelin')!);
  const torchAdd = rows.get('add32 torch');
  console.log(`| add on 32 floats, us/call | ${mineAdd.toFixed(3)} | PyTorch ${torchAdd ? median(torchAdd).toFixed(3) : 'n/a'} | ${torchAdd ? (median(torchAdd) / mineAdd).toFixed(1) + 'x faster' : 'n/a'} |`);
}

main();
