/**
 * `npm run bench -- --distributed [--reps=N] [--quick]`: data-parallel scaling on this machine. Alternates
 * one process (plain fit, its fastest strategy) and `mpirun -np 2` (gradients all-reduced every step), each
 * with one thread per process (MYELIN_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1), on mnist-mlp at batch 128 per
 * rank (benchmarks/distributed/worker.ts), plus one process forced to the 2-rank fit's strategy
 * (MYELIN_NATIVE_STEPS=0: compiled-replay), which separates the strategy's cost from the all-reduce's, and reports the medians: samples/s of each, their ratio (target
 * >= 1.7), and the all-reduce's share of a 2-rank step. Prints `uptime`: the figures mean little on a loaded host.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';

interface WorkerResult { size: number; samplesPerSec: number; stepMs: number; allReduceMs: number; strategy: string }

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function runWorker(size: number, steps: number, extra: NodeJS.ProcessEnv = {}): WorkerResult {
  const worker = path.join(__dirname, 'worker.js');
  // mpi_yield_when_idle: a rank waiting in MPI_Allreduce yields its core instead of spinning (2 ranks share 2 cores here).
  const env = { ...process.env, MYELIN_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', OMPI_MCA_mpi_yield_when_idle: '1', ...extra };
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const r = size === 1
    ? spawnSync(process.execPath, [worker, String(steps)], { env, encoding: 'utf8' })
    : spawnSync('mpirun', [...root, '--oversubscribe', '--bind-to', 'none', '-np', String(size), process.execPath, worker, String(steps)], { env, encoding: 'utf8' });
  if (r.error) throw new Error(`${size === 1 ? 'node' : 'mpirun'} could not start (${r.error.message}); install Open MPI: apt-get install openmpi-bin libopenmpi-dev`);
  if (r.status !== 0) throw new Error(`the ${size}-process run failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as WorkerResult;
}

/** Runs the comparison; returns the process exit code (1 when the ratio misses the target). */
export function runDistributedCli(options: { reps: number; quick: boolean }): number {
  const steps = options.quick ? 15 : 40;
  const one: WorkerResult[] = [];
  const oneReplay: WorkerResult[] = [];
  const two: WorkerResult[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    one.push(runWorker(1, steps));
    oneReplay.push(runWorker(1, steps, { MYELIN_NATIVE_STEPS: '0' }));
    two.push(runWorker(2, steps));
  }
  const s1 = median(one.map((r) => r.samplesPerSec));
  const s2 = median(two.map((r) => r.samplesPerSec));
  const step2 = median(two.map((r) => r.stepMs));
  const reduce = median(two.map((r) => r.allReduceMs));
  const ratio = s2 / s1;
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(`mnist-mlp 784-512-512-10, batch 128 per rank, SGD, ${steps} timed steps, median of ${options.reps}`);
  console.log('| processes x threads | strategy | samples/s | step (ms) | all-reduce (ms, share of step) |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  console.log(`| 1 x 1 | ${one[0].strategy} | ${s1.toFixed(0)} | ${median(one.map((r) => r.stepMs)).toFixed(1)} | - |`);
  const sr = median(oneReplay.map((r) => r.samplesPerSec));
  console.log(`| 1 x 1, MYELIN_NATIVE_STEPS=0 | ${oneReplay[0].strategy} | ${sr.toFixed(0)} | ${median(oneReplay.map((r) => r.stepMs)).toFixed(1)} | - |`);
  console.log(`| 2 x 1 (mpirun) | ${two[0].strategy} | ${s2.toFixed(0)} | ${step2.toFixed(1)} | ${reduce.toFixed(2)} (${((100 * reduce) / step2).toFixed(1)}%) |`);
  console.log(`ratio 2 ranks / 1 rank: ${ratio.toFixed(2)}x (target >= 1.7x): ${ratio >= 1.7 ? 'met' : 'missed'}`);
  console.log(`uptime: ${uptime}`);
  return ratio >= 1.7 ? 0 : 1;
}
