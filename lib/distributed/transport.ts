/**
 * The collectives a world runs on: MPI through the CPU addon (native/cpu/mpi_comm.cc), or, for a world of size 1
 * without a launcher, the identity (every collective of one rank returns its input).
 */
import { DistributedError } from '../errors';
import { loadCpuAddon } from '../native/loader';
import type { LaunchInfo } from './launcher';

/** In-place collectives on host buffers; every rank must make the same calls in the same order. */
export interface Transport {
  readonly rank: number;
  readonly size: number;
  /** buffer = the element-wise sum of every rank's buffer. */
  allReduceSum(buffer: Float32Array | Float64Array): void;
  /** buffer = rank `root`'s buffer. */
  broadcast(buffer: Float32Array | Float64Array, root: number): void;
  /** Every rank's `send` (all the same length), concatenated in rank order. */
  allGather(send: Float64Array): Float64Array;
  barrier(): void;
  finalize(): void;
}

/** The world of one process: collectives are identities. */
export function soloTransport(): Transport {
  return {
    rank: 0,
    size: 1,
    allReduceSum: () => undefined,
    broadcast: () => undefined,
    allGather: (send) => send.slice(),
    barrier: () => undefined,
    finalize: () => undefined,
  };
}

/** MPI_COMM_WORLD through Open MPI's libmpi.so.40, opened by the addon; typed errors when it cannot start. */
export function mpiTransport(launch: LaunchInfo): Transport {
  const addon = loadCpuAddon();
  const got = addon.mpiInit();
  if ('missing' in got) {
    throw new DistributedError(`distributed.init: ${launch.source}=${launch.size} says this process is rank ${launch.rank} of ${launch.size}, ` +
      `but no MPI library loads (${got.missing}); install Open MPI: apt-get install openmpi-bin libopenmpi-dev`, launch.rank);
  }
  if (got.size !== launch.size) {
    throw new DistributedError(`distributed.init: MPI reports a world of ${got.size} processes but ${launch.source}=${launch.size}; ` +
      'start every process with the same launcher (mpirun -np N node script.js)', got.rank);
  }
  return {
    rank: got.rank,
    size: got.size,
    allReduceSum: (buffer) => addon.mpiAllReduceSum(buffer),
    broadcast: (buffer, root) => addon.mpiBroadcast(buffer, root),
    allGather: (send) => {
      const recv = new Float64Array(send.length * got.size);
      addon.mpiAllGather(send, recv);
      return recv;
    },
    barrier: () => addon.mpiBarrier(),
    finalize: () => addon.mpiFinalize(),
  };
}
