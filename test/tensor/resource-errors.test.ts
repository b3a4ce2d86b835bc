/**
 * Allocations that cannot succeed are ResourceErrors naming the bytes and the shape (not RangeErrors, not
 * an abort), on every backend here, and the library keeps working afterwards.
 */
import * as os from 'os';
import * as my from '../../lib/index';
import { ResourceError } from '../../lib/errors';
import { getBackend, setBackend } from '../../lib/backend/select';
import { availableBackends } from '../helpers/backends';

const cases = availableBackends().filter((c) => c.name !== 'cuda');

describe.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
  beforeAll(() => setBackend(c.name, c.options));

  function expectResourceError(fn: () => unknown, bytes: number, shape: number[]): void {
    const before = my.memory().numTensors;
    let err: unknown;
    try { fn(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ResourceError);
    expect(err).toMatchObject({ bytes, shape });
    expect((err as Error).message).toMatch(new RegExp(`cannot allocate ${bytes} bytes .* shape \\[${shape.join(', ')}\\]`));
    expect(my.memory().numTensors).toBe(before);
  }

  test('zeros([1e6, 1e6]): 4e12 bytes', () => {
    expectResourceError(() => my.zeros([1e6, 1e6]), 4e12, [1e6, 1e6]);
  });

  test('a matmul whose output needs 40 GB, then the library still works', () => {
    const a = my.ones([1e5, 1]);
    const b = my.ones([1, 1e5]);
    expectResourceError(() => my.matmul(a, b), 4e10, [1e5, 1e5]);
    a.dispose();
    b.dispose();
    expect(Array.from(my.matmul(my.tensor([[1, 2]]), my.tensor([[3], [4]])).dataSync())).toEqual([11]);
  });

  test('an allocator failure below the machine size (RangeError from V8) becomes a ResourceError', () => {
    const backend = getBackend();
    const size = Math.min(2 ** 28, Math.floor(os.totalmem() / 8));
    const spy = jest.spyOn(backend, 'alloc').mockImplementationOnce(() => { throw new RangeError('Array buffer allocation failed'); });
    try {
      expectResourceError(() => my.zeros([size]), size * 4, [size]);
    } finally {
      spy.mockRestore();
    }
    expect(my.zeros([3]).dataSync()).toEqual(new Float32Array(3));
  });
});
