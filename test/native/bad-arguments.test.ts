/** Wrong types and lengths crossing into C++ throw JS exceptions naming the argument; the process lives on. */
import { loadCpuAddon } from '../../lib/native/loader';

const addon = loadCpuAddon();
const f = (n: number) => new Float32Array(n);
type Fn = (...args: unknown[]) => void;
const call = (name: keyof typeof addon, ...args: unknown[]) => () => (addon[name] as unknown as Fn)(...args);
/** The addon's errors come from Node's realm, not jest's sandbox, so compare the class by name. */
function errorName(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).name;
  }
  return 'no error';
}

describe('native argument checks', () => {
  beforeAll(() => addon.init({}));

  it('too few arguments', () => {
    expect(call('unary', 0, f(1))).toThrow(/unary: expected 5 arguments, got 2/);
  });

  it('wrong types give TypeError naming the argument', () => {
    expect(errorName(call('unary', 0, [1, 2], f(2), 2, 0))).toBe('TypeError');
    expect(call('unary', 0, [1, 2], f(2), 2, 0)).toThrow(/'x' must be a Float32Array/);
    expect(call('unary', 0, new Float64Array(2), f(2), 2, 0)).toThrow(/'x'/);
    expect(call('unary', 0, f(2), f(2), '2', 0)).toThrow(/'n' must be a number/);
    expect(call('softmax', f(4), f(4), 2, 2, 1)).toThrow(/'log' must be a boolean/);
    expect(call('gatherRows', f(4), [0], f(2), 2)).toThrow(/'indices' must be an Int32Array/);
    expect(call('sgdStep', [f(2), 'x'], [f(2), f(2)], [], f(2), 0, false, 0, true)).toThrow(/'params'.*element 1/);
    expect(call('binary', 0, f(2), 'no', f(2), [1], f(2), [2])).toThrow(/'aStrides'/);
  });

  it('wrong lengths and ranges give RangeError naming the argument', () => {
    expect(errorName(call('unary', 0, f(2), f(1), 2, 0))).toBe('RangeError');
    expect(call('unary', 0, f(2), f(1), 2, 0)).toThrow(/'out' has 1 elements, needs 2/);
    expect(call('unary', 99, f(2), f(2), 2, 0)).toThrow(/'op'/);
    expect(call('unary', 0, f(2), f(2), -1, 0)).toThrow(/'n'/);
    expect(call('unary', 0, f(2), f(2), 1.5, 0)).toThrow(/'n'/);
    expect(call('gemm', f(5), f(6), f(4), 2, 2, 3, false, false, 1, 0)).toThrow(/'a' has 5 elements, needs 6/);
    expect(call('fill', f(4), 1, 2, 3)).toThrow(/exceeds the length of 'out'/);
    expect(call('binary', 0, f(2), [1], f(3), [1], f(3), [3])).toThrow(/strided view of 'a' spans elements \[0, 2\]/);
    expect(call('binary', 0, f(2), [1, 1], f(3), [1], f(3), [3])).toThrow(/same length/);
    expect(call('binary', 0, f(1), new Array(9).fill(0), f(1), new Array(9).fill(0), f(1), new Array(9).fill(1))).toThrow(/rank 9/);
    expect(call('reduce', 1, f(0), f(2), 2, 0, 1)).toThrow(/only 'sum'/);
    expect(call('copyStrided', f(4), 0, [2], f(4), 0, [1], [3], false)).toThrow(/'x' spans elements \[0, 4\]/);
    expect(call('adamStep', [f(2)], [f(2)], [f(3)], [f(2)], [], f(2), 0.9, 0.999, 1e-7, 0, false, true)).toThrow(/'m\[0\]' has 3 elements/);
    expect(call('adamStep', [f(2)], [f(2)], [f(2)], [f(2)], [], f(1), 0.9, 0.999, 1e-7, 0, false, true)).toThrow(/'hyper' must hold 2 floats/);
    expect(call('dropout', f(4), f(4), f(4), f(3), 4, 0.5, 1, 2)).toThrow(/'state' has 3 elements, needs 4/);
    expect(call('dropout', f(4), f(4), f(2), f(4), 4, 0.5, 1, 2)).toThrow(/'mask' has 2 elements, needs 4/);
    expect(call('dropout', f(4), f(4), f(4), f(4), 4, 1, 1, 2)).toThrow(/'rate' must be a number in \[0, 1\)/);
    expect(call('dropout', f(4), f(4), f(4), f(4), 4, 0.5, 2 ** 32, 2)).toThrow(/'key0'/);
    expect(call('dropout', f(4), f(4), f(4), f(4), 4, 0.5, 1, -1)).toThrow(/'key1'/);
    expect(call('sgdStep', [f(2)], [], [], f(2), 0, false, 0, true)).toThrow(/'grads' has 0 tensors, expected 1/);
    expect(call('sgdStep', [f(2)], [f(2)], [], f(2), 0.9, false, 0, true)).toThrow(/'velocity' has 0 tensors/);
  });

  it('indices out of range throw before anything is written', () => {
    const dx = f(4);
    expect(call('scatterAddRows', Float32Array.of(1, 1, 1, 1), Int32Array.of(0, 2), dx, 2)).toThrow(/indices\[1\] = 2/);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0]);
    expect(call('gatherRows', f(4), Int32Array.of(-1), f(2), 2)).toThrow(/indices\[0\] = -1/);
    expect(call('softmaxCrossEntropy', f(4), Float32Array.of(0, 2), f(4), f(2), 2, 2, true)).toThrow(/class 2/);
    expect(call('softmaxCrossEntropy', f(4), Float32Array.of(0, 0.5), f(4), f(2), 2, 2, true)).toThrow(/class 0.5/);
  });

  it('the addon still works after all of that', () => {
    const out = f(3);
    addon.binary(0, Float32Array.of(1, 2, 3), [1], Float32Array.of(10), [0], out, [3]);
    expect(Array.from(out)).toEqual([11, 12, 13]);
  });
});
