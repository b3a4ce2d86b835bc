/**
 * `npm run bench -- --distributed [--reps=N] [--quick]`: data-parallel scaling on this machine. Alternates, rep
 * after rep, one process (plain fit, its fastest strategy) and `mpirun -np 2` (gradients averaged inside the
 * compiled step), each with one thread per process (MYELIN_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1), on mnist-mlp
 * at batch 128 per rank (benchmarks/distributed/worker.ts), and reports the medians: samples/s of each, their
 * ratio (target >= 1.7), and the gradient exchange's share of a 2-rank step: the time a step waits for it after
 * its backward pass (its exposed cost), the packing and averaging, and the span from the first bucket sent to the
 * last received (mostly hidden behind the backward pass). Prints `uptime` before and after: the figures mean
 * little on a loaded host.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';

interface WorkerResult {
  size: number; samplesPerSec: number; stepMs: number; allReduceMs: number; strategy: string;
  waitMs: number; reduceMs: number; exchangeMs: number;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function runWorker(size: number, steps: number): WorkerResult {
  const worker = path.join(__dirname, 'worker.js');
  const env = { ...process.env, MYELIN_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const r = size === 1
    ? spawnSync(process.execPath, [worker, String(steps)], { env, encoding: 'utf8' })
    : spawnSync('mpirun', [...root, '--oversubscribe', '--bind-to', 'none', '-np', String(size), process.execPath, worker, String(steps)], { env, encoding: 'utf8' });
  if (r.error) throw new Error(`${size === 1 ? 'node' : 'mpirun'} could not start (${r.error.message}); install Open MPI: apt-get install openmpi-bin libopenmpi-dev`);
  if (r.status !== 0) throw new Error(`the ${size}-process run failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as WorkerResult;
}

const share = (ms: number, step: number): string => `${ms.toFixed(2)} (${((100 * ms) / step).toFixed(1)}%)`;

/** Runs the comparison; returns the process exit code (1 when the ratio misses the target). */
export function runDistributedCli(options: { reps: number; quick: boolean }): number {
  const steps = options.quick ? 15 : 40;
  const before = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const one: WorkerResult[] = [];
  const two: WorkerResult[] = [];
  const ratios: number[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    one.push(runWorker(1, steps));
    two.push(runWorker(2, steps));
    ratios.push(two[rep].samplesPerSec / one[rep].samplesPerSec);
  }
  const s1 = median(one.map((r) => r.samplesPerSec));
  const s2 = median(two.map((r) => r.samplesPerSec));
  const step2 = median(two.map((r) => r.stepMs));
  const ratio = median(ratios);
  console.log(`mnist-mlp 784-512-512-10, batch 128 per rank, SGD, ${steps} timed steps, 1 and 2 ranks alternating, median of ${options.reps}`);
  console.log('| processes x threads | strategy | samples/s | step (ms) | exposed wait (ms, share) | pack + average (ms, share) | exchange span (ms) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| 1 x 1 | ${one[0].strategy} | ${s1.toFixed(0)} | ${median(one.map((r) => r.stepMs)).toFixed(1)} | - | - | - |`);
  console.log(`| 2 x 1 (mpirun) | ${two[0].strategy} | ${s2.toFixed(0)} | ${step2.toFixed(1)} | ${share(median(two.map((r) => r.waitMs)), step2)} | ` +
    `${share(median(two.map((r) => r.reduceMs)), step2)} | ${median(two.map((r) => r.exchangeMs)).toFixed(2)} |`);
  console.log(`ratio 2 ranks / 1 rank per rep: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${ratio.toFixed(2)}x (target >= 1.7x): ${ratio >= 1.7 ? 'met' : 'missed'}`);
  console.log(`uptime before: ${before}`);
  console.log(`uptime after:  ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  return ratio >= 1.7 ? 0 : 1;
}
