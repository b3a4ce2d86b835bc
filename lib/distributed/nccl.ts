/**
 * NCCL on the cuda flavour (native/cuda/nccl_comm.cc, libnccl.so.2 opened at run time): the steps that start a
 * communicator, with the typed errors a user can act on. Rank 0 makes the 128-byte unique id; it reaches the other
 * ranks by MPI_Bcast when an MPI launcher started them, else by the TCP rendezvous of ./rendezvous.ts
 * (MYELIN_MASTER_ADDR, MYELIN_MASTER_PORT); then every rank calls ncclCommInitRank on its device (localRank).
 */
import { DistributedError } from '../errors';
import type { NativeCudaAddon } from '../native/addon-types';

/** What to install when NCCL does not load. */
const INSTALL = 'install NCCL 2 (NVIDIA\'s libnccl2 package, or pip install nvidia-nccl-cu12, which PyTorch\'s CUDA wheels bring) ' +
  'or name the file with MYELIN_NCCL_LIBRARY=/path/to/libnccl.so.2';

/** Rank 0's new unique id; a DistributedError that says what to install when NCCL does not load. */
export function ncclUniqueId(addon: Pick<NativeCudaAddon, 'ncclUniqueId'>, rank = 0): Uint8Array {
  const got = addon.ncclUniqueId();
  if (got instanceof Uint8Array) return got;
  throw new DistributedError(`distributed: the cuda backend needs NCCL, which does not load (${got.missing}); ${INSTALL}`, rank);
}

/**
 * Joins the communicator of `size` ranks as `rank`, with rank 0's `id` (shared by `shareId`: MPI_Bcast or the TCP
 * rendezvous); the same DistributedError as ncclUniqueId when NCCL does not load.
 */
export async function ncclJoin(addon: Pick<NativeCudaAddon, 'ncclUniqueId' | 'ncclInitRank'>, rank: number, size: number,
  shareId: (id: Uint8Array | null) => Promise<Uint8Array>): Promise<void> {
  const id = await shareId(rank === 0 ? ncclUniqueId(addon, rank) : null);
  const got = addon.ncclInitRank(id, rank, size);
  if (got !== undefined) throw new DistributedError(`distributed: the cuda backend needs NCCL, which does not load (${got.missing}); ${INSTALL}`, rank);
}
