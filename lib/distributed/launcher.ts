/**
 * What an MPI launcher told this process through its environment: Open MPI's `mpirun` sets
 * OMPI_COMM_WORLD_SIZE / OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_LOCAL_RANK; MPICH, Intel MPI and Slurm's PMI set
 * PMI_SIZE / PMI_RANK (and MPI_LOCALRANKID). Null when no launcher started the process.
 */
export interface LaunchInfo {
  /** The variable that named the launcher (for messages). */
  source: 'OMPI_COMM_WORLD_SIZE' | 'PMI_SIZE';
  size: number;
  rank: number;
  localRank: number;
}

function intVar(env: Readonly<Record<string, string | undefined>>, name: string): number | null {
  const v = env[name];
  if (v === undefined || !/^\d+$/.test(v.trim())) return null;
  return Number(v);
}

/** The launcher's world as the environment describes it, or null (no launcher: a world of size 1). */
export function detectLauncher(env: Readonly<Record<string, string | undefined>> = process.env): LaunchInfo | null {
  const ompiSize = intVar(env, 'OMPI_COMM_WORLD_SIZE');
  if (ompiSize !== null && ompiSize > 0) {
    const rank = intVar(env, 'OMPI_COMM_WORLD_RANK') ?? 0;
    return { source: 'OMPI_COMM_WORLD_SIZE', size: ompiSize, rank, localRank: intVar(env, 'OMPI_COMM_WORLD_LOCAL_RANK') ?? rank };
  }
  const pmiSize = intVar(env, 'PMI_SIZE');
  if (pmiSize !== null && pmiSize > 0) {
    const rank = intVar(env, 'PMI_RANK') ?? 0;
    return { source: 'PMI_SIZE', size: pmiSize, rank, localRank: intVar(env, 'MPI_LOCALRANKID') ?? rank };
  }
  return null;
}
