import { detectLauncher } from '../../lib/distributed/launcher';
import { init } from '../../lib/distributed/world';
import { DistributedError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';

describe('distributed: launcher detection', () => {
  it('reads Open MPI variables', () => {
    expect(detectLauncher({ OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_LOCAL_RANK: '0' }))
      .toEqual({ source: 'OMPI_COMM_WORLD_SIZE', size: 4, rank: 2, localRank: 0 });
  });
  it('reads PMI variables (MPICH, Slurm)', () => {
    expect(detectLauncher({ PMI_SIZE: '3', PMI_RANK: '1' })).toEqual({ source: 'PMI_SIZE', size: 3, rank: 1, localRank: 1 });
  });
  it('is null without a launcher or with garbage', () => {
    expect(detectLauncher({})).toBeNull();
    expect(detectLauncher({ OMPI_COMM_WORLD_SIZE: 'x' })).toBeNull();
  });
});

describe('distributed: a world of one without a launcher', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    for (const k of ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE']) delete process.env[k];
  });
  afterAll(() => Object.assign(process.env, saved));

  it('gives rank 0 of 1, identity collectives, and refuses a second init', async () => {
    const world = await init();
    expect([world.rank, world.size, world.localRank, world.backend]).toEqual([0, 1, 0, 'solo']);
    const t = tensor([[1, 2], [3, 4]]);
    expect(world.allReduce(t, { op: 'sum' }).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(world.allReduce(t).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(world.broadcast(t, 0).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(() => world.broadcast(t, 1)).toThrow(/root must be an integer in \[0, 1\)/);
    expect(() => world.allReduce(t, { op: 'max' as 'sum' })).toThrow(/op must be 'mean' or 'sum'/);
    world.barrier();
    await expect(init()).rejects.toThrow(DistributedError);
    world.finalize();
    expect(() => world.barrier()).toThrow(/finalized/);
    await expect(init()).rejects.toThrow(/cannot start again/);
  });
});
