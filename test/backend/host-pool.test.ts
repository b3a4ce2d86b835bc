/** The host buffer pool recycles buffers by size, zero-fills on request and tolerates a double free. */
import { HostBufferPool } from '../../lib/backend/host-pool';

test('a freed buffer is handed out again, zero-filled when asked', () => {
  const pool = new HostBufferPool();
  const a = pool.take(8, true);
  a.fill(3);
  pool.give(a);
  expect(pool.idle).toBe(32);
  const b = pool.take(8, true);
  expect(b).toBe(a);
  expect(Array.from(b)).toEqual(new Array(8).fill(0));
  expect(pool.take(8, false)).not.toBe(a);
});

test('giving the same buffer twice does not hand it out twice', () => {
  const pool = new HostBufferPool();
  const a = pool.take(4, false);
  pool.give(a);
  pool.give(a);
  const first = pool.take(4, false);
  const second = pool.take(4, false);
  expect(first).toBe(a);
  expect(second).not.toBe(a);
});

test('the idle budget bounds what the pool keeps', () => {
  const pool = new HostBufferPool(64);
  pool.give(new Float32Array(10));
  pool.give(new Float32Array(10));
  expect(pool.idle).toBe(40);
});

test('a large request with no idle buffer of its size takes a view of a slightly larger idle one', () => {
  const pool = new HostBufferPool();
  const big = pool.take(1 << 17, false);
  pool.give(big);
  const view = pool.take(100000, true);
  expect(view.buffer).toBe(big.buffer);
  expect(view.length).toBe(100000);
  expect(view.every((v) => v === 0)).toBe(true);
  expect(pool.idle).toBe(0);
  // More than twice the size is not used: a fresh buffer instead.
  const other = new HostBufferPool();
  const huge = other.take(1 << 19, false);
  other.give(huge);
  expect(other.take(70000, false).buffer).not.toBe(huge.buffer);
  expect(other.idle).toBe((1 << 19) * 4);
});
