/**
 * The TCP rendezvous that hands rank 0's 128-byte NCCL unique id to the other ranks (lib/distributed/rendezvous.ts),
 * on localhost: every rank gets rank 0's bytes (ranks that start before rank 0 included), a stray connection is
 * ignored, and each failure is a typed error naming the address and the rank: ranks that never come, a rank 0
 * that never comes, an address that does not resolve, a bad port.
 */
import * as net from 'net';
import { randomBytes } from 'crypto';
import { exchangeUniqueId, rendezvousAddress, UNIQUE_ID_BYTES } from '../../lib/distributed/rendezvous';
import { DistributedError, ValueError } from '../../lib/errors';

/** A TCP port that was free a moment ago (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('distributed rendezvous over TCP', () => {
  it('4 ranks: every rank gets rank 0\'s 128 bytes, even ranks that start first, despite a stray connection', async () => {
    const port = await freePort();
    const id = new Uint8Array(randomBytes(UNIQUE_ID_BYTES));
    const opts = (rank: number) => ({ addr: '127.0.0.1', port, rank, size: 4, timeoutMs: 10000 });
    const early = [1, 2].map((r) => exchangeUniqueId(null, opts(r)));
    await sleep(300);  // they are refused and retry meanwhile
    const zero = exchangeUniqueId(id, opts(0));
    await sleep(50);
    const stray = net.connect({ host: '127.0.0.1', port }, () => stray.end('GET / HTTP/1.0\r\n\r\n'));
    stray.on('error', () => undefined);
    const late = exchangeUniqueId(null, opts(3));
    const got = await Promise.all([zero, ...early, late]);
    for (const g of got) expect(Buffer.from(g).equals(Buffer.from(id))).toBe(true);
  });

  it('rank 0 names the ranks that never came, after its timeout', async () => {
    const port = await freePort();
    const zero = exchangeUniqueId(new Uint8Array(UNIQUE_ID_BYTES), { addr: '127.0.0.1', port, rank: 0, size: 3, timeoutMs: 1500 });
    await exchangeUniqueId(null, { addr: '127.0.0.1', port, rank: 1, size: 3, timeoutMs: 1500 });
    const err = await zero.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).rank).toBe(2);
    expect((err as Error).message).toMatch(new RegExp(`rank 0 waited 1500 ms at 127\\.0\\.0\\.1:${port} \\(MYELIN_MASTER_ADDR, MYELIN_MASTER_PORT\\) and rank 2 never came`));
  });

  it('a rank whose rank 0 never comes fails after its timeout, naming the address', async () => {
    const port = await freePort();
    const began = Date.now();
    await expect(exchangeUniqueId(null, { addr: '127.0.0.1', port, rank: 2, size: 3, timeoutMs: 700 }))
      .rejects.toThrow(new RegExp(`rank 2 could not get the unique id from rank 0 at 127\\.0\\.0\\.1:${port} .* within 700 ms \\(ECONNREFUSED\\)`));
    expect(Date.now() - began).toBeGreaterThanOrEqual(500);
  });

  it('an address that does not resolve, a bad port, a short id: typed errors', async () => {
    await expect(exchangeUniqueId(null, { addr: 'no-such-host.invalid', port: 29500, rank: 1, size: 2, timeoutMs: 5000 }))
      .rejects.toThrow(/at no-such-host\.invalid:29500 .*the address does not resolve/);
    await expect(exchangeUniqueId(null, { addr: 'no-such-host.invalid', port: 29500, rank: 1, size: 2, timeoutMs: 5000 }))
      .rejects.toBeInstanceOf(DistributedError);
    expect(() => exchangeUniqueId(null, { addr: '127.0.0.1', port: 70000, rank: 1, size: 2, timeoutMs: 100 })).toThrow(ValueError);
    expect(() => exchangeUniqueId(new Uint8Array(16), { addr: '127.0.0.1', port: 29500, rank: 0, size: 2, timeoutMs: 100 }))
      .toThrow(/rank 0 must pass the 128-byte unique id/);
    expect(() => rendezvousAddress({ MYELIN_MASTER_ADDR: 'host', MYELIN_MASTER_PORT: 'x' })).toThrow(/MYELIN_MASTER_PORT must be a TCP port in 1\.\.65535/);
    expect(rendezvousAddress({ MYELIN_MASTER_ADDR: 'host', MYELIN_MASTER_PORT: '29500' })).toEqual({ addr: 'host', port: 29500 });
    expect(rendezvousAddress({})).toBeNull();
  });
});
