/**
 * Faults: under mpirun -np 2, rank 1 is killed (SIGKILL) when its second epoch begins; rank 0, waiting for that
 * epoch's gradients inside its compiled step, must reject its fit with a DistributedError naming rank 1 once the
 * timeout (MYELIN_DIST_TIMEOUT_MS=3000) has passed with no progress, never hang; and a rank killed before a
 * barrier leaves the other's barrier to throw a DistributedError after the timeout. mpirun runs with
 * `--mca orte_abort_on_non_zero_status 0` so that it does not kill rank 0 first (its default: then no rank hangs
 * either). And init's timeout and bucket options are checked. Needs Open MPI, as test/distributed/equivalence.test.ts.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ValueError } from '../../lib/errors';
import * as my from '../../lib/index';
import { mpirunArgs, noMpirun, rankEnv } from './mpi-run';

interface Outcome { name?: string; message?: string; rank?: number; seconds?: number; resolved?: boolean }

/** Rank 0's outcome of rank-dies.js in `mode` ('fit' or 'barrier') with a 3 s timeout. */
function rankZeroOutcome(mode: string): Outcome {
  const fixture = path.join(__dirname, 'fixtures', 'rank-dies.js');
  const args = ['--mca', 'orte_abort_on_non_zero_status', '0', ...mpirunArgs(2, fixture, [mode])];
  const r = spawnSync('mpirun', args, { env: { ...rankEnv(), MYELIN_DIST_TIMEOUT_MS: '3000' }, encoding: 'utf8', timeout: 120000 });
  if (r.error) throw noMpirun(r.error);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`rank 0 printed no outcome (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Outcome;
}

describe('distributed faults', () => {
  it('a rank that dies mid-fit: the other fails within the timeout with a DistributedError naming it', () => {
    const out = rankZeroOutcome('fit');
    expect(out.resolved).toBeUndefined();
    expect(out.name).toBe('DistributedError');
    expect(out.rank).toBe(1);
    expect(out.message).toMatch(/^fit: distributed: rank 1 sent no gradients to rank 0 for 3000 ms \(the timeout: init\(\{ timeoutMs \}\) or MYELIN_DIST_TIMEOUT_MS\): it died, stalled, or left fit early/);
    // It waited for the timeout, and not much longer (a generous bound: the machine may be loaded).
    expect(out.seconds).toBeGreaterThanOrEqual(3);
    expect(out.seconds).toBeLessThan(60);
  }, 180000);

  it('a rank that dies before a collective: the other\'s barrier throws a DistributedError after the timeout', () => {
    const out = rankZeroOutcome('barrier');
    expect(out.resolved).toBeUndefined();
    expect(out.name).toBe('DistributedError');
    expect(out.message).toMatch(/^distributed: MPI_Ibarrier did not complete on rank 0 within 3000 ms \(the timeout: .*\): a rank died, stalled, or does not make the same call/);
    expect(out.seconds).toBeGreaterThanOrEqual(3);
    expect(out.seconds).toBeLessThan(60);
  }, 180000);

  it('init refuses a bad timeout or bucket size, from the options or the environment, with a ValueError', async () => {
    await expect(my.distributed.init({ timeoutMs: 0 })).rejects.toThrow(ValueError);
    await expect(my.distributed.init({ bucketBytes: Number.NaN })).rejects.toThrow(/init: bucketBytes must be a positive number, got NaN/);
    process.env.MYELIN_DIST_TIMEOUT_MS = 'soon';
    try {
      await expect(my.distributed.init()).rejects.toThrow(/init: the environment variable MYELIN_DIST_TIMEOUT_MS must be a positive number, got "soon"/);
    } finally {
      delete process.env.MYELIN_DIST_TIMEOUT_MS;
    }
    const world = await my.distributed.init({ timeoutMs: 5000, bucketBytes: 4 << 20 });
    expect(world.size).toBe(1);
    world.finalize();
  });
});
