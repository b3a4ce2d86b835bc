/** Typed-array checks that hold for arrays of another realm (a vm context, the native addon's downloads). */
import * as vm from 'vm';
import { isFloat32Array, isInt32Array } from '../../lib/tensor/typed-arrays';
import * as my from '../../lib/index';

describe('typed-array checks across realms', () => {
  const foreignF32 = vm.runInNewContext('new Float32Array([1, 2, 3])') as Float32Array;
  const foreignI32 = vm.runInNewContext('new Int32Array([1, 2])') as Int32Array;

  test('a Float32Array of another realm is not instanceof here, but isFloat32Array says yes', () => {
    expect(foreignF32 instanceof Float32Array).toBe(false);
    expect(isFloat32Array(foreignF32)).toBe(true);
    expect(isFloat32Array(new Float32Array(2))).toBe(true);
    expect(isInt32Array(foreignI32)).toBe(true);
  });

  test('other views, arrays and values are refused', () => {
    for (const v of [new Float64Array(2), new Int32Array(2), [1, 2], new DataView(new ArrayBuffer(4)), null, undefined, 3, {}]) {
      expect(isFloat32Array(v)).toBe(false);
    }
    expect(isInt32Array(new Uint32Array(2))).toBe(false);
    expect(isInt32Array(foreignF32)).toBe(false);
  });

  test('a variable takes values from another realm (assignData), as from this one', () => {
    const v = my.variable(my.zeros([3]));
    v.assignData(foreignF32);
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
    v.dispose();
  });
});
