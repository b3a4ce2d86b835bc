/**
 * Memory safety at the native boundary (issue 19; found with ASan/UBSan): stride and size arithmetic that
 * would overflow int64 is a RangeError, and a compiled program refuses to run once a buffer it points into
 * was detached or shrunk, while a replaced element of its calls array cannot free the buffer it uses.
 */
import { loadCpuAddon } from '../../lib/native/loader';
import { BINARY_OPS } from '../../lib/backend/kernel-ids';

const addon = loadCpuAddon();
const f = (n: number) => new Float32Array(n);
type Fn = (...args: unknown[]) => unknown;
const call = (name: string, ...args: unknown[]) => () => (addon as unknown as Record<string, Fn>)[name](...args);
const BIG = 4e15;

beforeAll(() => addon.init({}));

describe('checked stride arithmetic', () => {
  test('binary with a huge dimension next to an empty one does nothing (the old reach sum overflowed first)', () => {
    const out = Float32Array.of(7);
    expect(call('binary', BINARY_OPS.add, f(1), [BIG, 1], f(1), [BIG, 1], out, [BIG, 0])).not.toThrow();
    expect(out[0]).toBe(7);
  });

  test.each([
    ['positive', [BIG, BIG]],
    ['negative', [-BIG, -BIG]],
  ])('copyStrided with %s strides whose reach overflows int64: RangeError', (_sign, strides) => {
    const out = f(4);
    expect(call('copyStrided', f(4), 0, strides, out, 0, [1, 1], [BIG, BIG], false)).toThrow(/strided view of 'x' is too large/);
    expect(call('copyStrided', f(4), 0, [1, 1], out, 0, strides, [BIG, BIG], false)).toThrow(/strided view of 'x' spans elements/);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  test('binary strides reaching past the buffer are refused', () => {
    expect(call('binary', BINARY_OPS.add, f(4), [BIG, 1], f(4), [0, 1], f(4), [2, 2])).toThrow(/strided view of 'a' spans elements/);
  });
});

describe('compiled programs hold their buffers', () => {
  const program = (a: Float32Array, b: Float32Array, out: Float32Array) => {
    const calls: unknown[][] = [['binary', BINARY_OPS.add, a, [1], b, [1], out, [a.length]]];
    return { calls, handle: addon.compileProgram(calls as never) };
  };

  test('a detached (transferred) input makes runProgram throw instead of writing through a freed buffer', () => {
    const a = Float32Array.of(1, 2, 3), b = Float32Array.of(10, 20, 30), out = f(3);
    const { handle } = program(a, b, out);
    addon.runProgram(handle);
    expect(Array.from(out)).toEqual([11, 22, 33]);
    structuredClone(out.buffer, { transfer: [out.buffer] });
    expect(out.buffer.byteLength).toBe(0);
    expect(() => addon.runProgram(handle)).toThrow(/buffer 2 of the program was detached \(transferred\) after compileProgram .*; compile the program again/);
  });

  test('a resizable buffer shrunk after compiling: runProgram throws; grown back it runs', () => {
    const ab = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize?(n: number): void })(12, { maxByteLength: 64 });
    if (typeof ab.resize !== 'function') return; // this Node has no resizable ArrayBuffers
    const out = new Float32Array(ab, 0, 3);
    const { handle } = program(Float32Array.of(1, 2, 3), Float32Array.of(1, 1, 1), out);
    ab.resize!(4);
    expect(() => addon.runProgram(handle)).toThrow(/resized after compileProgram \(12 bytes then, 4 now\)/);
    ab.resize!(12);
    addon.runProgram(handle);
    expect(Array.from(new Float32Array(ab))).toEqual([2, 3, 4]);
  });

  test('replacing an element of the calls array keeps the compiled buffer alive and in use', () => {
    const a = Float32Array.of(1, 2), b = Float32Array.of(3, 4), out = f(2);
    const { calls, handle } = program(a, b, out);
    calls[0][6] = f(2);
    for (let i = 0; i < 3; i++) new Float32Array(1 << 16).fill(i); // churn the heap
    addon.runProgram(handle);
    expect(Array.from(out)).toEqual([4, 6]);
  });
});
