/**
 * Under mpirun -np 2: models whose weights differ in shape or in value (built from different seeds) across ranks,
 * and shards that give the ranks different numbers of steps, are refused at fit start; allReduce of different
 * shapes is refused, and a second init() is refused; each with a DistributedError on every rank naming rank 1 (no
 * rank hangs waiting for the other). Needs Open MPI, as test/distributed/equivalence.test.ts.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { mpirunArgs, noMpirun, rankEnv } from './mpi-run';

interface Line { rank: number; case: string; error: string | null; message?: string; weights?: number[][] }

describe('distributed refusals across 2 ranks', () => {
  it('refuses differing models, seeds, step counts, allReduce shapes and a second init on every rank', () => {
    const fixture = path.join(__dirname, 'fixtures', 'refusals.js');
    const r = spawnSync('mpirun', mpirunArgs(2, fixture), { env: rankEnv(), encoding: 'utf8', timeout: 120000 });
    if (r.error) throw noMpirun(r.error);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(12);
    for (const l of lines) expect(l.error).toBe('DistributedError');
    for (const l of lines.filter((x) => x.case !== 'init')) expect(l.rank).toBe(1);
    for (const l of lines.filter((x) => x.case.startsWith('seed-'))) {
      expect(l.message).toMatch(/fit: weight 0 \('.*'\) holds other values on rank 1 than on rank 0; .*my\.setSeed\(s\) with the same s on every rank/);
    }
    for (const l of lines.filter((x) => x.case === 'steps')) expect(l.message).toMatch(/fit: rank 1 has 3 steps per epoch but rank 0 has 2/);
    const fit = lines.filter((l) => l.case === 'fit');
    expect(fit).toHaveLength(2);
    for (const l of fit) expect(l.message).toMatch(/fit: weight 0 \('.*'\) differs across ranks: rank 1 passed a tensor of shape \[3, 5\] but rank 0 one of shape \[3, 4\]/);
    for (const l of lines.filter((x) => x.case === 'allReduce')) expect(l.message).toMatch(/rank 1 passed a tensor of shape \[2, 2\] but rank 0 one of shape \[2, 1\]/);
    for (const l of lines.filter((x) => x.case === 'init')) expect(l.message).toMatch(/already called/);
  });
});
