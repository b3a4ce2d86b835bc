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

/**
 * A failure of a collective or of a native step whose distributed peers did not deliver ("distributed: ...", from
 * native/cpu/mpi_comm.cc or gradient_sync.cc) as a DistributedError, with the rank the message names ("rank R"
 * right after the prefix) when it names one; any other error as it is.
 */
export function asDistributedError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof DistributedError) return err;
  const at = err.message.indexOf('distributed: ');
  if (at < 0) return err;
  const message = err.message.slice(at);
  const rank = /^distributed: rank (\d+)/.exec(message);
  const within = message.startsWith('distributed: MPI_') ? '' : 'fit: ';  // a collective, else a training step
  return new DistributedError(`${within}${message}`, rank === null ? undefined : Number(rank[1]));
}

/** `f()`, its "distributed: ..." failures as DistributedErrors. */
function typed<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw asDistributedError(err);
  }
}

/**
 * MPI_COMM_WORLD through Open MPI's libmpi.so.40, opened by the addon; typed errors when it cannot start. A
 * collective that waits longer than `timeoutMs` throws a DistributedError.
 */
export function mpiTransport(launch: LaunchInfo, timeoutMs: number): Transport {
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
  addon.mpiSetTimeout(timeoutMs);
  return {
    rank: got.rank,
    size: got.size,
    allReduceSum: (buffer) => typed(() => addon.mpiAllReduceSum(buffer)),
    broadcast: (buffer, root) => typed(() => addon.mpiBroadcast(buffer, root)),
    allGather: (send) => {
      const recv = new Float64Array(send.length * got.size);
      typed(() => addon.mpiAllGather(send, recv));
      return recv;
    },
    barrier: () => typed(() => addon.mpiBarrier()),
    finalize: () => addon.mpiFinalize(),
  };
}
