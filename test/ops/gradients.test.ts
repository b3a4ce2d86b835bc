/** Every differentiable op checked against central differences, on every backend that loads. */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';
import { checkGradients, randomValues } from '../helpers/gradcheck';

const v = (shape: number[], seed: number, lo = -2, hi = 2, avoid: number[] = []) => ({
  shape, values: randomValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi, avoid),
});

describeEachBackend('gradients', () => {
  const unaryCases: [string, (x: my.Tensor) => my.Tensor, number, number, number[]][] = [
    ['neg', my.neg, -2, 2, []], ['exp', my.exp, -2, 2, []], ['log', my.log, 0.2, 3, []], ['sqrt', my.sqrt, 0.2, 3, []],
    ['square', my.square, -2, 2, []], ['abs', my.abs, -2, 2, [0]], ['relu', my.relu, -2, 2, [0]],
    ['sigmoid', my.sigmoid, -4, 4, []], ['tanh', my.tanh, -3, 3, []], ['leakyRelu', (x) => my.leakyRelu(x, 0.2), -2, 2, [0]],
    ['elu', (x) => my.elu(x, 0.7), -2, 2, [0]], ['gelu', my.gelu, -3, 3, []], ['silu', my.silu, -3, 3, []],
    ['softplus', my.softplus, -4, 4, []], ['reciprocal', my.reciprocal, 0.5, 2, []], ['mulScalar', (x) => my.mulScalar(x, -1.5), -2, 2, []],
    ['addScalar', (x) => my.addScalar(x, 3), -2, 2, []], ['powScalar', (x) => my.pow(x, 2.5), 0.3, 2, []],
    ['clipAbs', (x) => my.clipAbs(x, 1), -2, 2, [-1, 1]],
  ];
  test.each(unaryCases)('%s', (_name, f, lo, hi, avoid) => {
    checkGradients(f, [v([3, 4], 1, lo, hi, avoid)]);
  });

  test.each([
    ['add', my.add], ['sub', my.sub], ['mul', my.mul],
  ] as const)('%s with broadcasting', (_n, f) => {
    checkGradients((a, b) => f(a, b), [v([2, 3, 4], 2), v([3, 1], 3)]);
    checkGradients((a, b) => f(a, b), [v([4], 4), v([2, 4], 5)]);
  });
  test('div', () => checkGradients((a, b) => my.div(a, b), [v([2, 3], 6), v([3], 7, 0.5, 2)]));
  test('pow (tensor exponent)', () => checkGradients((a, b) => my.pow(a, b), [v([2, 3], 8, 0.5, 2), v([2, 3], 9, -1, 2)]));
  test('maximum / minimum', () => {
    const a = v([3, 4], 10);
    const b = v([3, 4], 11);
    for (let i = 0; i < a.values.length; i++) if (Math.abs(a.values[i] - b.values[i]) < 0.1) b.values[i] += 0.3;
    checkGradients((x, y) => my.maximum(x, y), [a, b]);
    checkGradients((x, y) => my.minimum(x, y), [a, b]);
  });

  test('sum / mean over axes, keepDims, non-contiguous axes', () => {
    checkGradients((x) => my.sum(x), [v([2, 3, 4], 12)]);
    checkGradients((x) => my.sum(x, 1, true), [v([2, 3, 4], 13)]);
    checkGradients((x) => my.sum(x, [0, 2]), [v([2, 3, 4], 14)]);
    checkGradients((x) => my.mean(x, -1), [v([2, 3, 4], 15)]);
    checkGradients((x) => my.mean(x, [0, 2], true), [v([2, 3, 4], 16)]);
  });
  test('max / min (values well apart, so that no step crosses a tie)', () => {
    const spaced = (shape: number[], seed: number) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => -2 + (4 * i) / n);
      new my.Random(seed).shuffle(values as unknown as number[]);
      return { shape, values };
    };
    checkGradients((x) => my.max(x, 1), [spaced([3, 5], 17)], { h: 1e-3 });
    checkGradients((x) => my.min(x, [0, 2]), [spaced([2, 3, 4], 18)], { h: 1e-3 });
    checkGradients((x) => my.max(x), [spaced([2, 3], 19)], { h: 1e-3 });
  });
  test('softmax / logSoftmax', () => {
    checkGradients((x) => my.softmax(x), [v([3, 5], 19)]);
    checkGradients((x) => my.logSoftmax(x), [v([2, 2, 4], 20)]);
  });
  test('matmul with every transpose', () => {
    checkGradients((a, b) => my.matmul(a, b), [v([3, 4], 21), v([4, 2], 22)]);
    checkGradients((a, b) => my.matmul(a, b, true, false), [v([4, 3], 23), v([4, 2], 24)]);
    checkGradients((a, b) => my.matmul(a, b, false, true), [v([3, 4], 25), v([2, 4], 26)]);
    checkGradients((a, b) => my.matmul(a, b, true, true), [v([4, 3], 27), v([2, 4], 28)]);
  });
  test('reshape, transpose, broadcastTo, expandDims, squeeze, flatten', () => {
    checkGradients((x) => my.reshape(x, [4, -1]), [v([2, 3, 2], 29)]);
    checkGradients((x) => my.transpose(x, [2, 0, 1]), [v([2, 3, 4], 30)]);
    checkGradients((x) => my.broadcastTo(x, [2, 3, 4]), [v([3, 1], 31)]);
    checkGradients((x) => my.squeeze(my.expandDims(x, 1)), [v([3, 2], 32)]);
    checkGradients((x) => my.flatten(x), [v([2, 3, 2], 33)]);
    checkGradients((x) => my.clone(x), [v([2, 3], 48)]);
  });
  test('slice, concat, gather', () => {
    checkGradients((x) => my.slice(x, [1, 0, 2], [1, -1, 2]), [v([3, 2, 5], 34)]);
    checkGradients((a, b) => my.concat([a, b], 1), [v([2, 3], 35), v([2, 2], 36)]);
    checkGradients((x) => my.gather(x, [2, 0, 2, 1]), [v([3, 4], 37)]);
    checkGradients((x) => my.gather(x, [1, 1, 0], 1), [v([2, 3], 38)]);
  });
  test.each(['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'gelu', 'silu', 'softplus', 'leakyRelu'] as const)('fused dense (%s)', (act) => {
    checkGradients((x, w, b) => my.dense(x, w, b, act, 0.2), [v([4, 3], 39, -2, 2), v([3, 5], 40, -1, 1), v([5], 41, -1, 1)], { tol: 1e-2 });
  });
  test('fused dense on [batch, time, features] rows (no reshape)', () => {
    checkGradients((x, w, b) => my.dense(x, w, b, 'gelu'), [v([2, 3, 4], 45, -2, 2), v([4, 3], 46, -1, 1), v([3], 47, -1, 1)], { tol: 1e-2 });
    checkGradients((x, w, b) => my.dense(x, w, b, 'linear'), [v([2, 2, 3], 48), v([3, 2], 49), v([2], 50)]);
  });
  test('fused dense without bias', () => {
    checkGradients((x, w) => my.dense(x, w, null, 'tanh'), [v([2, 3], 42), v([3, 2], 43)]);
  });
  test('fused softmax cross-entropy (dense and sparse targets)', () => {
    const targets = my.tensor([[0.2, 0.8, 0], [1, 0, 0]]);
    checkGradients((x) => my.softmaxCrossEntropy(x, targets, false), [v([2, 3], 44)]);
    const labels = my.tensor([2, 0, 1]);
    checkGradients((x) => my.softmaxCrossEntropy(x, labels, true), [v([3, 4], 45)]);
  });
  test('fused sigmoid cross-entropy and its mean', () => {
    const targets = my.tensor([[0.2, 1, 0], [1, 0, 0.5]]);
    checkGradients((x) => my.sigmoidCrossEntropy(x, targets), [v([2, 3], 50, -3, 3)]);
    checkGradients((x) => my.meanSigmoidCrossEntropy(x, targets), [v([2, 3], 51, -3, 3)]);
  });
  test('fused mean softmax cross-entropy (dense and sparse targets)', () => {
    const targets = my.tensor([[0.2, 0.8, 0], [1, 0, 0]]);
    checkGradients((x) => my.meanSoftmaxCrossEntropy(x, targets, false), [v([2, 3], 48)]);
    const labels = my.tensor([2, 0, 1]);
    checkGradients((x) => my.meanSoftmaxCrossEntropy(x, labels, true), [v([3, 4], 49)]);
  });
  test('a composed expression reusing an input', () => {
    checkGradients((x, w) => my.mul(my.tanh(my.matmul(x, w)), my.sigmoid(my.matmul(x, w))), [v([2, 3], 46), v([3, 3], 47)]);
  });
});
