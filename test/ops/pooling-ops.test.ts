/**
 * The ops under the image layers (maxPool1d/2d, avgPool1d/2d, globalMaxPool, pad, upSample2dNearest, resample2d):
 * gradients by central differences (both inputs of resample2d) on every backend, and typed errors naming the op.
 */
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { describeEachBackend } from '../helpers/backends';
import { distinctValues } from '../helpers/distinct-values';
import { checkGradients, randomValues } from '../helpers/gradcheck';

const distinct = (shape: number[], seed: number) => ({ shape, values: distinctValues(shape, seed).dataSync().slice() });

describeEachBackend('image ops: gradients', () => {
  test.each([
    ['maxPool2d 2x3 stride [1, 2] same', (x: my.Tensor) => my.maxPool2d(x, [2, 3], [1, 2], 'same'), [2, 4, 5, 2]],
    ['avgPool2d 3 stride 2 same', (x: my.Tensor) => my.avgPool2d(x, 3, 2, 'same'), [2, 5, 4, 2]],
    ['maxPool1d 2', (x: my.Tensor) => my.maxPool1d(x, 2), [2, 6, 3]],
    ['avgPool1d 3 stride 2', (x: my.Tensor) => my.avgPool1d(x, 3, 2), [2, 7, 3]],
    ['globalMaxPool rank 4', (x: my.Tensor) => my.globalMaxPool(x), [2, 3, 3, 4]],
    ['pad', (x: my.Tensor) => my.pad(x, [[0, 1], [2, 0], [1, 1], [0, 0]]), [2, 3, 2, 2]],
    ['upSample2dNearest', (x: my.Tensor) => my.upSample2dNearest(x, [3, 2]), [1, 2, 3, 2]],
  ] as Array<[string, (x: my.Tensor) => my.Tensor, number[]]>)('%s', (_label, f, shape) => {
    checkGradients(f, [distinct(shape, 3)]);
  });

  test('resample2d: gradients of x and of both matrices', () => {
    checkGradients((x, rows, cols) => my.resample2d(x, rows, cols), [
      { shape: [2, 3, 2, 2], values: randomValues(24, 1) },
      { shape: [4, 3], values: randomValues(12, 2) },
      { shape: [3, 2], values: randomValues(6, 3) },
    ]);
  });
});

describe('image ops: bad input', () => {
  const x4 = () => my.zeros([1, 4, 4, 2]);
  test('typed errors naming the op and the argument', () => {
    expect(() => my.maxPool2d(my.zeros([4, 4, 2]), 2)).toThrow(/maxPool2d: x must have rank 4/);
    expect(() => my.avgPool1d(x4(), 2)).toThrow(ShapeError);
    expect(() => my.maxPool2d(x4(), 5)).toThrow(/maxPool2d: pool size 5 is larger than the input's 4 with padding 'valid'/);
    expect(() => my.maxPool2d(x4(), [2, 0])).toThrow(/maxPool2d: poolSize must be a positive integer or 2 of them/);
    expect(() => my.avgPool2d(x4(), 2, [1, 1, 1])).toThrow(/avgPool2d: strides/);
    expect(() => my.maxPool2d(x4(), 2, null, 'full' as never)).toThrow(ValueError);
    expect(() => my.maxPool2d(my.zeros([1, 0, 4, 2]), 2, null, 'same')).toThrow(/empty spatial axis/);
    expect(() => my.globalMaxPool(my.zeros([2, 3]))).toThrow(/globalMaxPool: x must have rank 3 or 4/);
    expect(() => my.pad(x4(), [[1, 1]])).toThrow(/pad: paddings must be 4 pairs/);
    expect(() => my.pad(x4(), [[0, 0], [0, -1], [0, 0], [0, 0]])).toThrow(ValueError);
    expect(() => my.upSample2dNearest(x4(), [0, 2])).toThrow(/upSample2dNearest: size must be 2 positive integers/);
    expect(() => my.resample2d(x4(), my.zeros([8, 3]), my.zeros([8, 4]))).toThrow(/resample2d: rows must be \[h', 4\]/);
  });

  test('\'same\' pooling keeps ceil(size / stride) outputs; \'valid\' floor((size - pool) / stride) + 1', () => {
    expect(my.maxPool2d(my.zeros([1, 7, 5, 1]), 3, 2, 'same').shape).toEqual([1, 4, 3, 1]);
    expect(my.avgPool2d(my.zeros([1, 7, 5, 1]), 3, 2, 'valid').shape).toEqual([1, 3, 2, 1]);
    expect(my.maxPool1d(my.zeros([2, 9, 3]), 4).shape).toEqual([2, 2, 3]);
  });
});
