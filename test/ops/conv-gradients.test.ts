/**
 * The conv ops checked against central differences on every backend that loads: input, kernel and bias
 * gradients, under strides, dilation, 'same' padding, fused activations, conv1d and depthwiseConv2d.
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';
import { checkGradients, randomValues } from '../helpers/gradcheck';

const v = (shape: number[], seed: number, lo = -1, hi = 1) => ({
  shape, values: randomValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi),
});

describeEachBackend('conv gradients', () => {
  test.each([
    ['valid 3x3', [2, 5, 6, 2], [3, 3, 2, 3], {}],
    ['same, strides 2', [2, 6, 5, 3], [3, 3, 3, 2], { padding: 'same', strides: [2, 2] }],
    ['dilation 2 with same padding', [1, 7, 7, 2], [3, 2, 2, 2], { padding: 'same', dilationRate: [2, 2] }],
    ['strides 2x1, 2x3 window', [2, 7, 6, 2], [2, 3, 2, 2], { strides: [2, 1] }],
    ['pointwise 1x1', [2, 3, 3, 4], [1, 1, 4, 3], {}],
  ] as const)('conv2d %s: x, kernel and bias', (_name, xShape, kShape, options) => {
    checkGradients((x, k, b) => my.conv2d(x, k, b, options as my.Conv2dOptions),
      [v([...xShape], 1), v([...kShape], 2), v([kShape[3]], 3)]);
  });

  test.each(['tanh', 'sigmoid', 'elu', 'softplus'] as const)('conv2d with fused %s, no bias', (activation) => {
    checkGradients((x, k) => my.conv2d(x, k, null, { activation, param: activation === 'elu' ? 1 : 0, padding: 'same' }),
      [v([2, 4, 4, 2], 4), v([3, 3, 2, 3], 5)]);
  });

  test('conv2d with fused tanh and bias (the bias gradient from the fused epilogue)', () => {
    checkGradients((x, k, b) => my.conv2d(x, k, b, { activation: 'tanh' }), [v([2, 4, 5, 2], 6), v([2, 2, 2, 3], 7), v([3], 8)]);
  });

  test('depthwiseConv2d (multiplier 2, same, strides 2; multiplier 1 with a fused tanh): x, kernel and bias', () => {
    checkGradients((x, k, b) => my.depthwiseConv2d(x, k, b, { padding: 'same', strides: [2, 2] }),
      [v([2, 5, 4, 3], 14), v([3, 3, 3, 2], 15), v([6], 16)]);
    checkGradients((x, k, b) => my.depthwiseConv2d(x, k, b, { activation: 'tanh' }), [v([1, 4, 4, 2], 17), v([2, 2, 2, 1], 18), v([2], 19)]);
  });

  test('conv1d, same padding, stride 2, dilation 2', () => {
    checkGradients((x, k, b) => my.conv1d(x, k, b, { padding: 'same', strides: 2, dilationRate: 2 }),
      [v([2, 9, 3], 9), v([3, 3, 4], 10), v([4], 11)]);
    checkGradients((x, k) => my.conv1d(x, k, null), [v([2, 6, 2], 12), v([4, 2, 2], 13)]);
  });
});
