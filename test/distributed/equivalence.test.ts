/**
 * Data parallelism against one process: N ranks (mpirun -np N) at per-rank batch b, each on the rows
 * r, r + N, ... of the data, must end with the weights one process gets at batch N * b on all the data, in the
 * same order (no shuffle), after 100 steps of SGD (momentum 0.9) and of Adam, and of SGD fed by a Dataset
 * (`fromArrays(x, y).shard(N, r).batch(b)`). Tolerance: max |w_N - w_1| <=
 * 1e-5 * max |w_1| over each weight. Reduction order (native/cpu/gradient_sync.cc, docs/distributed.md): each
 * rank's gradient is the mean over its b rows (float32); the ranks' gradients are summed in float64 in rank order,
 * divided by N and rounded to float32, inside the compiled step (the first, recorded step: one float64
 * MPI_Allreduce in JavaScript); the reference takes the float32 mean over the N * b rows directly. Both are the
 * same quantity up to float32 rounding. The ranks run native-steps (the averaging inside the step).
 *
 * Needs Open MPI (`mpirun`); without it the test fails and says what to install. The ranks load dist/ when it
 * is newer than every file of lib/ (npm install builds it), else the TypeScript sources (slower).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { mpirunArgs, noMpirun, rankEnv } from './mpi-run';

const FIXTURE = path.join(__dirname, 'fixtures', 'train-mlp.js');
const PER_RANK_BATCH = 4;

interface Trained { weights: number[][]; strategyReason: string; loss: number[] }
interface Result { size: number; sgd: Trained; adam: Trained; sgdDataset: Trained }

function parse(r: ReturnType<typeof spawnSync>, what: string): Result {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}): ${String(r.stderr).slice(-2000)}`);
  return JSON.parse(String(r.stdout).trim().split('\n').pop() as string) as Result;
}

function reference(size: number, env: NodeJS.ProcessEnv): Result {
  return parse(spawnSync(process.execPath, [FIXTURE, String(PER_RANK_BATCH), String(size)], { env, encoding: 'utf8', timeout: 120000 }), 'the one-process reference');
}

function distributed(size: number, env: NodeJS.ProcessEnv): Result {
  const args = mpirunArgs(size, FIXTURE, [String(PER_RANK_BATCH), String(size)]);
  return parse(spawnSync('mpirun', args, { env, encoding: 'utf8', timeout: 180000 }), `mpirun -np ${size}`);
}

function maxRelativeDifference(a: number[][], b: number[][]): number {
  let worst = 0;
  expect(a.map((w) => w.length)).toEqual(b.map((w) => w.length));
  a.forEach((w, i) => {
    const scale = Math.max(...b[i].map(Math.abs));
    const diff = Math.max(...w.map((v, j) => Math.abs(v - b[i][j])));
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

describe('distributed fit: N ranks at batch b equal one rank at batch N * b', () => {
  const env = rankEnv();

  it('has mpirun (Open MPI) to test with', () => {
    const probe = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
    if (probe.error) throw noMpirun(probe.error);
    expect(probe.stdout).toMatch(/Open MPI|mpirun/);
  });

  it.each([2, 4])('%i ranks: SGD, Adam and SGD on a Dataset: weights within 1e-5 after 100 steps', (size) => {
    const ref = reference(size, env);
    const dist = distributed(size, env);
    expect(ref.size).toBe(1);
    expect(dist.size).toBe(size);
    for (const opt of ['sgd', 'adam', 'sgdDataset'] as const) {
      const rel = maxRelativeDifference(dist[opt].weights, ref[opt].weights);
      expect(rel).toBeLessThanOrEqual(1e-5);
      expect(dist[opt].strategyReason).toMatch(new RegExp(`distributed world of ${size} ranks \\(gradients averaged inside the compiled step`));
      // The reported loss is averaged over the ranks: the mean of the same batches' losses.
      expect(dist[opt].loss.length).toBe(ref[opt].loss.length);
      dist[opt].loss.forEach((l, e) => expect(Math.abs(l - ref[opt].loss[e])).toBeLessThanOrEqual(1e-4 * Math.abs(ref[opt].loss[e]) + 1e-6));
      process.stdout.write(`${size} ranks, ${opt}: max |w_${size} - w_1| / max |w_1| = ${rel.toExponential(2)}\n`);
    }
  }, 300000);
});
