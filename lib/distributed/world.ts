/**
 * `my.distributed`: a world of processes that train one model together (data parallelism), on MPI. Started as
 * `mpirun -np N node train.js`, each process calls `await my.distributed.init()` once and gets its rank; without
 * a launcher the world has one rank and every collective returns its input, so a script runs unchanged alone.
 *
 * Collectives block the JavaScript thread until every rank has made the same call; every rank must make the
 * same collectives in the same order (as in MPI). `fit` on a world of size > 1 averages the gradients of every
 * step over the ranks (lib/distributed/fit-sync.ts).
 */
import { DistributedError, ValueError, describe } from '../errors';
import { tensor as makeTensor } from '../ops/creation';
import type { Tensor } from '../tensor/tensor';
import { detectLauncher } from './launcher';
import { mpiTransport, soloTransport, type Transport } from './transport';

/** Options of `init`. */
export interface InitOptions {
  /**
   * How long a rank waits for a peer's gradients in a training step before the fit fails with a DistributedError
   * naming the peer (it died, stalled, or left fit early). Default: MYELIN_DIST_TIMEOUT_MS, else 600000 (10
   * minutes, as NCCL's watchdog). Counted from the last progress of the exchange, so slow steps do not trip it.
   */
  timeoutMs?: number;
  /**
   * The least size of a bucket of gradients exchanged at once while the backward pass runs (the last bucket may be
   * smaller). Default: MYELIN_DIST_BUCKET_BYTES, else 1 MiB (on CPUs the per-message latency is small: buckets of
   * 1 to 4 MB start early enough to overlap the rest of the backward pass).
   */
  bucketBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 600000;
const DEFAULT_BUCKET_BYTES = 1 << 20;

/** How `allReduce` combines the ranks' tensors. */
export type ReduceOp = 'mean' | 'sum';

/** The world this process belongs to, as `init()` returns it. */
export interface World {
  /** This process's rank, 0 <= rank < size. */
  readonly rank: number;
  /** The number of processes. */
  readonly size: number;
  /** The rank among the processes on this host (for picking a GPU). */
  readonly localRank: number;
  /** 'mpi' when a launcher started the processes, 'solo' for a world of one without one. */
  readonly backend: 'mpi' | 'solo';
  /** Returns once every rank has called it. */
  barrier(): void;
  /**
   * The element-wise sum (op 'sum') or mean (op 'mean', the default: sum / size) of every rank's `tensor`, as a new
   * tensor. Every rank must pass the same shape (checked first with an all-gather of the shapes: a
   * DistributedError naming the first rank that differs). Sums run in float32 in MPI's reduction order.
   */
  allReduce(tensor: Tensor, options?: { op?: ReduceOp }): Tensor;
  /** Rank `root`'s `tensor` (default root 0) as a new tensor on every rank; shapes checked as in allReduce. */
  broadcast(tensor: Tensor, root?: number): Tensor;
  /** Ends the world (MPI_Finalize); no collective may follow, and init() cannot run again. */
  finalize(): void;
}

interface State {
  world: World | null;
  transport: Transport | null;
  finalized: boolean;
  settings: { timeoutMs: number; bucketBytes: number };
}

const state: State = { world: null, transport: null, finalized: false, settings: { timeoutMs: DEFAULT_TIMEOUT_MS, bucketBytes: DEFAULT_BUCKET_BYTES } };

/** A positive number from an option, else from the environment variable `name`, else `fallback`; ValueError when bad. */
function positiveSetting(value: unknown, option: string, name: string, fallback: number): number {
  const fromEnv = process.env[name];
  const v = value !== undefined ? value : fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    const where = value !== undefined ? `init: ${option}` : `init: the environment variable ${name}`;
    throw new ValueError(`${where} must be a positive number, got ${describe(value !== undefined ? value : fromEnv)}`);
  }
  return v;
}

/** The most dimensions a shape check compares one by one (the rest are compared by their product). */
const SHAPE_SLOTS = 8;

function shapeKey(shape: readonly number[]): Float64Array {
  const key = new Float64Array(SHAPE_SLOTS + 1);
  key[0] = shape.length;
  for (let i = 0; i < shape.length; i++) {
    const slot = Math.min(i, SHAPE_SLOTS - 1) + 1;
    key[slot] = i < SHAPE_SLOTS ? shape[i] : key[slot] * shape[i];
  }
  return key;
}

function keyText(all: Float64Array, rank: number): string {
  const base = rank * (SHAPE_SLOTS + 1);
  const dims = Array.from(all.subarray(base + 1, base + 1 + Math.min(all[base], SHAPE_SLOTS)));
  return `[${dims.join(', ')}]`;
}

/**
 * Throws a DistributedError on every rank unless every rank passed the same shape (one all-gather of
 * SHAPE_SLOTS + 1 doubles per rank).
 */
export function checkSameShape(transport: Transport, shape: readonly number[], what: string): void {
  const all = transport.allGather(shapeKey(shape));
  const n = SHAPE_SLOTS + 1;
  for (let r = 1; r < transport.size; r++) {
    for (let j = 0; j < n; j++) {
      if (all[r * n + j] !== all[j]) {
        throw new DistributedError(`${what}: rank ${r} passed a tensor of shape ${keyText(all, r)} but rank 0 one of shape ${keyText(all, 0)}; ` +
          'every rank must pass the same shape', r);
      }
    }
  }
}

function makeWorld(transport: Transport, localRank: number, backend: 'mpi' | 'solo'): World {
  const open = (what: string): Transport => {
    if (state.transport !== transport) throw new DistributedError(`distributed.${what}: the world was finalized; no collective may follow finalize()`);
    return transport;
  };
  return {
    rank: transport.rank,
    size: transport.size,
    localRank,
    backend,
    barrier: () => open('barrier').barrier(),
    allReduce(t: Tensor, options: { op?: ReduceOp } = {}): Tensor {
      const tr = open('allReduce');
      const op = options.op ?? 'mean';
      if (op !== 'mean' && op !== 'sum') throw new ValueError(`distributed.allReduce: op must be 'mean' or 'sum', got ${describe(op)}`);
      checkSameShape(tr, t.shape, 'distributed.allReduce');
      const data = t.dataSync();
      tr.allReduceSum(data);
      if (op === 'mean' && tr.size > 1) for (let i = 0; i < data.length; i++) data[i] /= tr.size;
      return makeTensor(data, t.shape.slice());
    },
    broadcast(t: Tensor, root = 0): Tensor {
      const tr = open('broadcast');
      if (!Number.isInteger(root) || root < 0 || root >= tr.size) throw new ValueError(`distributed.broadcast: root must be an integer in [0, ${tr.size}), got ${describe(root)}`);
      checkSameShape(tr, t.shape, 'distributed.broadcast');
      const data = t.dataSync();
      tr.broadcast(data, root);
      return makeTensor(data, t.shape.slice());
    },
    finalize(): void {
      if (state.transport !== transport) return;
      transport.finalize();
      state.transport = null;
      state.world = null;
      state.finalized = true;
    },
  };
}

/**
 * Joins the world the launcher started (MPI when OMPI_COMM_WORLD_SIZE or PMI_SIZE is set), or makes a world of
 * one. Throws a DistributedError when called a second time, after finalize(), or when a launcher says there
 * are several processes and no MPI library loads (install `openmpi-bin libopenmpi-dev`); a ValueError for a bad
 * option (see InitOptions for the defaults).
 */
export async function init(options: InitOptions = {}): Promise<World> {
  if (options === null || typeof options !== 'object') throw new ValueError(`distributed.init: options must be an object, got ${describe(options)}`);
  if (state.world !== null) throw new DistributedError('distributed.init: already called in this process; keep the world it returned (MPI starts once per process)');
  if (state.finalized) throw new DistributedError('distributed.init: the world was finalized; MPI cannot start again in the same process');
  const settings = {
    timeoutMs: positiveSetting(options.timeoutMs, 'timeoutMs', 'MYELIN_DIST_TIMEOUT_MS', DEFAULT_TIMEOUT_MS),
    bucketBytes: Math.ceil(positiveSetting(options.bucketBytes, 'bucketBytes', 'MYELIN_DIST_BUCKET_BYTES', DEFAULT_BUCKET_BYTES)),
  };
  const launch = detectLauncher();
  const transport = launch === null ? soloTransport() : mpiTransport(launch, settings.timeoutMs);
  state.transport = transport;
  state.settings = settings;
  state.world = makeWorld(transport, launch?.localRank ?? 0, launch === null ? 'solo' : 'mpi');
  return state.world;
}

/** @internal The transport of the current world when it has more than one rank (fit synchronizes over it), else null. */
export function activeTransport(): Transport | null {
  return state.transport !== null && state.transport.size > 1 ? state.transport : null;
}

/** @internal The bucket size and timeout of the gradient exchange inside compiled steps (InitOptions). */
export function syncSettings(): { timeoutMs: number; bucketBytes: number } {
  return state.settings;
}
