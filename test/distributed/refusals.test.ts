/**
 * Under mpirun -np 2: models whose weights differ in shape across ranks are refused at fit start, allReduce of
 * different shapes is refused, and a second init() is refused, each with a DistributedError on every rank (no
 * rank hangs waiting for the other); models built from different seeds start fit from rank 0's weights. Needs Open MPI, as test/distributed/equivalence.test.ts.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { mpirunArgs, noMpirun, rankEnv } from './mpi-run';

interface Line { rank: number; case: string; error: string | null; message?: string; weights?: number[][] }

describe('distributed refusals across 2 ranks', () => {
  it('broadcasts rank 0\'s weights, and refuses differing models, allReduce shapes and a second init on every rank', () => {
    const fixture = path.join(__dirname, 'fixtures', 'refusals.js');
    const r = spawnSync('mpirun', mpirunArgs(2, fixture), { env: rankEnv(), encoding: 'utf8', timeout: 120000 });
    if (r.error) throw noMpirun(r.error);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(10);
    for (const kind of ['weights-arrays', 'weights-dataset']) {
      const [a, b] = lines.filter((l) => l.case === kind);
      expect(a.weights).toEqual(b.weights);  // rank 1 started from rank 0's weights despite another seed
      expect(a.weights?.[0].length).toBe(12);
    }
    for (const l of lines.filter((x) => !x.case.startsWith('weights'))) expect(l.error).toBe('DistributedError');
    const fit = lines.filter((l) => l.case === 'fit');
    expect(fit).toHaveLength(2);
    for (const l of fit) expect(l.message).toMatch(/fit: weight 0 \('.*'\) differs across ranks: rank 1 passed a tensor of shape \[3, 5\] but rank 0 one of shape \[3, 4\]/);
    for (const l of lines.filter((x) => x.case === 'allReduce')) expect(l.message).toMatch(/rank 1 passed a tensor of shape \[2, 2\] but rank 0 one of shape \[2, 1\]/);
    for (const l of lines.filter((x) => x.case === 'init')) expect(l.message).toMatch(/already called/);
  });
});
