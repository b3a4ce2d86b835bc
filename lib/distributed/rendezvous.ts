/**
 * A TCP rendezvous that hands rank 0's NCCL unique id (128 bytes, from ncclGetUniqueId) to every other rank when no
 * MPI launcher is there to broadcast it, as torchrun's MASTER_ADDR / MASTER_PORT: rank 0 listens on
 * MYELIN_MASTER_ADDR:MYELIN_MASTER_PORT, every other rank connects (retrying while rank 0 is not up yet), says
 * which rank it is, and reads the id. Rank 0 returns once each of ranks 1..size-1 has read it.
 *
 * Wire format: a rank sends 8 bytes, 'MYLN' then its rank as a little-endian uint32; rank 0 answers with the
 * 128-byte id and closes. Every failure is a DistributedError that names the address and the ranks concerned:
 * rank 0 that waited `timeoutMs` for ranks that never came, a rank that could not reach rank 0 within
 * `timeoutMs`, an address that does not resolve, a peer that speaks another protocol.
 */
import * as net from 'net';
import { DistributedError, ValueError, describe } from '../errors';

/** The bytes of an NCCL unique id (NCCL_UNIQUE_ID_BYTES). */
export const UNIQUE_ID_BYTES = 128;

const HELLO = Buffer.from('MYLN', 'latin1');
/** Between two attempts of a rank to reach rank 0 that is not listening yet. */
const RETRY_MS = 100;

/** Where and between whom the rendezvous happens. */
export interface RendezvousOptions {
  /** Rank 0's host name or address (MYELIN_MASTER_ADDR). */
  addr: string;
  /** Rank 0's TCP port, 1..65535 (MYELIN_MASTER_PORT). */
  port: number;
  rank: number;
  size: number;
  /** How long rank 0 waits for every rank, and a rank for rank 0. */
  timeoutMs: number;
}

/** The rendezvous address of the environment (MYELIN_MASTER_ADDR, MYELIN_MASTER_PORT), or null when unset. */
export function rendezvousAddress(env: Readonly<Record<string, string | undefined>> = process.env): { addr: string; port: number } | null {
  const addr = env.MYELIN_MASTER_ADDR;
  const port = env.MYELIN_MASTER_PORT;
  if (addr === undefined || addr === '') return null;
  if (port === undefined || !/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new ValueError(`distributed: MYELIN_MASTER_PORT must be a TCP port in 1..65535 when MYELIN_MASTER_ADDR is set, got ${describe(port)}`);
  }
  return { addr, port: Number(port) };
}

function checkOptions(o: RendezvousOptions, id: Uint8Array | null): void {
  if (typeof o.addr !== 'string' || o.addr === '') throw new ValueError(`rendezvous: addr must be a host name or address, got ${describe(o.addr)}`);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new ValueError(`rendezvous: port must be an integer in 1..65535, got ${describe(o.port)}`);
  if (!Number.isInteger(o.size) || o.size < 1) throw new ValueError(`rendezvous: size must be an integer >= 1, got ${describe(o.size)}`);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.size) throw new ValueError(`rendezvous: rank must be an integer in [0, ${o.size}), got ${describe(o.rank)}`);
  if (!(o.timeoutMs > 0)) throw new ValueError(`rendezvous: timeoutMs must be a positive number, got ${describe(o.timeoutMs)}`);
  if (o.rank === 0 && (!(id instanceof Uint8Array) || id.length !== UNIQUE_ID_BYTES)) {
    throw new ValueError(`rendezvous: rank 0 must pass the ${UNIQUE_ID_BYTES}-byte unique id, got ${describe(id)}`);
  }
}

/**
 * Rank 0 passes the id and gets it back once every other rank has read it; every other rank passes null and gets
 * rank 0's id. See the file comment for the protocol and the errors.
 */
export function exchangeUniqueId(id: Uint8Array | null, options: RendezvousOptions): Promise<Uint8Array> {
  checkOptions(options, id);
  if (options.size === 1) return Promise.resolve(Uint8Array.from(id as Uint8Array));
  return options.rank === 0 ? serve(Uint8Array.from(id as Uint8Array), options) : fetchId(options);
}

function where(o: RendezvousOptions): string {
  return `${o.addr}:${o.port} (MYELIN_MASTER_ADDR, MYELIN_MASTER_PORT)`;
}

/** Rank 0: answers each rank's hello with the id until ranks 1..size-1 all have it. */
function serve(id: Uint8Array, o: RendezvousOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const served = new Set<number>();
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let hello = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        hello = Buffer.concat([hello, chunk]);
        if (hello.length < 8) return;
        const rank = hello.readUInt32LE(4);
        if (!hello.subarray(0, 4).equals(HELLO) || rank === 0 || rank >= o.size) {
          socket.destroy();  // not one of ours: ignored, as a stray connection to the port
          return;
        }
        socket.end(Buffer.from(id), () => {
          served.add(rank);
          if (served.size === o.size - 1) finish(null);
        });
      });
    });
    const timer = setTimeout(() => {
      const missing = [];
      for (let r = 1; r < o.size; r++) if (!served.has(r)) missing.push(r);
      finish(new DistributedError(`distributed: rank 0 waited ${o.timeoutMs} ms at ${where(o)} and rank ${missing.join(', ')} never ` +
        'came for the unique id: start every rank with the same MYELIN_MASTER_ADDR and MYELIN_MASTER_PORT', missing[0]));
    }, o.timeoutMs);
    const finish = (err: Error | null): void => {
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      server.close();
      if (err) reject(err);
      else resolve(id);
    };
    server.on('error', (err: NodeJS.ErrnoException) => {
      finish(new DistributedError(`distributed: rank 0 cannot listen at ${where(o)}: ${err.code ?? err.message}; ` +
        'choose a free port on an address of this host', 0));
    });
    server.listen(o.port, o.addr);
  });
}

/** Another rank: connects (again every RETRY_MS while refused) until it has the id or the timeout passed. */
function fetchId(o: RendezvousOptions): Promise<Uint8Array> {
  const deadline = Date.now() + o.timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = net.connect({ host: o.addr, port: o.port });
      let got = Buffer.alloc(0);
      let settled = false;
      const left = Math.max(1, deadline - Date.now());
      socket.setTimeout(left);
      socket.on('connect', () => {
        const hello = Buffer.alloc(8);
        HELLO.copy(hello, 0);
        hello.writeUInt32LE(o.rank, 4);
        socket.write(hello);
      });
      socket.on('data', (chunk: Buffer) => { got = Buffer.concat([got, chunk]); });
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new DistributedError(`distributed: rank ${o.rank} could not get the unique id from rank 0 at ${where(o)} within ` +
          `${o.timeoutMs} ms (${why}): is rank 0 running, and is the address one that reaches it?`, 0));
      };
      socket.on('end', () => {
        if (settled) return;
        if (got.length === UNIQUE_ID_BYTES) {
          settled = true;
          resolve(new Uint8Array(got));
        } else {
          fail(`rank 0 sent ${got.length} bytes instead of ${UNIQUE_ID_BYTES}`);
        }
      });
      socket.on('timeout', () => fail('no answer'));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        const retry = (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET') && Date.now() + RETRY_MS < deadline;
        if (retry) {
          settled = true;
          socket.destroy();
          setTimeout(attempt, RETRY_MS);
        } else {
          fail(err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? `the address does not resolve: ${err.code}` : err.code ?? err.message);
        }
      });
    };
    attempt();
  });
}
