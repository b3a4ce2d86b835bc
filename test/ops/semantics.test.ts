/** Op results against hand-computed (NumPy-checked) values, on every backend that loads. */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';

const close = (t: my.Tensor, expected: number[] | number[][] | number[][][] | number, tol = 1e-5) => {
  const flat = ([] as number[]).concat(...[expected].flat(3) as number[]);
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(flat.length);
  got.forEach((g, i) => expect(Math.abs(g - flat[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(flat[i]))));
};

describeEachBackend('op semantics', () => {
  test('tensor creation and read-back', () => {
    const a = my.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(my.tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).dataSync())).toEqual([1, 2, 3, 4]);
    expect(my.scalar(3).arraySync()).toBe(3);
    expect(my.zeros([2, 0]).shape).toEqual([2, 0]);
    expect(my.fill([2], 7).arraySync()).toEqual([7, 7]);
    expect(my.ones([1, 2]).arraySync()).toEqual([[1, 1]]);
  });
  test('tensor copies a Float32Array unless told to take it over', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const copied = my.tensor(data, [2, 2]);
    data[0] = 9;
    expect(copied.dataSync()[0]).toBe(1);
    const taken = my.tensor(data, [4], { copy: false });
    expect(Array.from(taken.dataSync())).toEqual([9, 2, 3, 4]);
    expect(() => my.tensor(data, [4], null as never)).toThrow(my.ValueError);
  });
  test('seeded random tensors repeat bit for bit', () => {
    const a = my.randomNormal([50], { seed: 3 }).dataSync();
    const b = my.randomNormal([50], { seed: 3 }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const u = my.randomUniform([1000], { seed: 4, minval: -1, maxval: 2 }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(2);
    const n = my.randomNormal([20000], { seed: 5, mean: 1, stddev: 2 }).dataSync();
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const variance = n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.05);
  });
  test('broadcasting binary ops', () => {
    const a = my.tensor([[1, 2, 3], [4, 5, 6]]);
    close(my.add(a, my.tensor([10, 20, 30])), [[11, 22, 33], [14, 25, 36]]);
    close(my.sub(a, my.tensor([[1], [2]])), [[0, 1, 2], [2, 3, 4]]);
    close(my.mul(a, 2), [[2, 4, 6], [8, 10, 12]]);
    close(my.div(1, my.tensor([2, 4])), [0.5, 0.25]);
    close(my.pow(my.tensor([2, 3]), my.tensor([3, 2])), [8, 9]);
    close(my.maximum(a, 3.5), [[3.5, 3.5, 3.5], [4, 5, 6]]);
    close(my.minimum(a, my.tensor([[2], [5]])), [[1, 2, 2], [4, 5, 5]]);
    close(my.equal(a, my.tensor([1, 0, 3])), [[1, 0, 1], [0, 0, 0]]);
    close(my.greater(a, 3), [[0, 0, 0], [1, 1, 1]]);
    expect(my.add(my.zeros([3, 1, 2]), my.zeros([4, 1])).shape).toEqual([3, 4, 2]);
  });
  test('unary ops', () => {
    const x = my.tensor([-1, 0, 2]);
    close(my.relu(x), [0, 0, 2]);
    close(my.sigmoid(x), [0.26894142, 0.5, 0.88079708]);
    close(my.tanh(x), [-0.76159416, 0, 0.96402758]);
    close(my.gelu(x), [-0.15865525, 0, 1.95449974]);
    close(my.silu(x), [-0.26894142, 0, 1.76159416]);
    close(my.softplus(my.tensor([-100, 0, 100])), [0, 0.69314718, 100]);
    close(my.elu(x), [-0.63212056, 0, 2]);
    close(my.leakyRelu(x, 0.1), [-0.1, 0, 2]);
    close(my.exp(x), [0.36787944, 1, 7.3890561]);
    close(my.abs(x), [1, 0, 2]);
    close(my.square(x), [1, 0, 4]);
    close(my.sqrt(my.tensor([4, 9])), [2, 3]);
    close(my.log(my.tensor([1, Math.E])), [0, 1]);
  });
  test('reductions with axes and keepDims', () => {
    const x = my.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    close(my.sum(x), 36);
    close(my.sum(x, 0), [[6, 8], [10, 12]]);
    close(my.sum(x, [0, 2]), [14, 22]);
    expect(my.sum(x, [0, 2], true).shape).toEqual([1, 2, 1]);
    close(my.mean(x, -1), [[1.5, 3.5], [5.5, 7.5]]);
    close(my.max(x, [1, 2]), [4, 8]);
    close(my.min(x, 1), [[1, 2], [5, 6]]);
    close(my.argmax(my.tensor([[1, 9, 9], [7, 2, 3]])), [1, 0]);
    close(my.argmax(my.tensor([[1, 9], [7, 2]]), 0), [1, 0]);
    close(my.sum(my.zeros([0, 3]), 0), [0, 0, 0]);
  });
  test('softmax and logSoftmax are stable for large logits', () => {
    close(my.softmax(my.tensor([[1000, 1000], [0, Math.log(3)]])), [[0.5, 0.5], [0.25, 0.75]]);
    close(my.logSoftmax(my.tensor([[1000, 0]])), [[0, -1000]]);
  });
  test('matmul with transposes', () => {
    const a = my.tensor([[1, 2], [3, 4], [5, 6]]);
    const b = my.tensor([[1, 0, 2], [0, 1, 3]]);
    close(my.matmul(a, b), [[1, 2, 8], [3, 4, 18], [5, 6, 28]]);
    close(my.matmul(a, a, true, false), [[35, 44], [44, 56]]);
    close(my.matmul(b, b, false, true), [[5, 6], [6, 10]]);
    close(my.matmul(b, a, true, true), [[1, 3, 5], [2, 4, 6], [8, 18, 28]]);
    expect(my.matmul(my.zeros([2, 0]), my.zeros([0, 3])).arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
  test('shape ops', () => {
    const x = my.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(my.reshape(x, [3, -1]).arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(my.transpose(x).arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(my.slice(x, [0, 1], [2, 2]).arraySync()).toEqual([[2, 3], [5, 6]]);
    expect(my.slice(x, 1).arraySync()).toEqual([[4, 5, 6]]);
    expect(my.concat([x, x], 0).shape).toEqual([4, 3]);
    expect(my.concat([x, my.tensor([[7], [8]])], 1).arraySync()).toEqual([[1, 2, 3, 7], [4, 5, 6, 8]]);
    expect(my.gather(x, [1, 1, 0]).arraySync()).toEqual([[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
    expect(my.gather(x, [2, 0], 1).arraySync()).toEqual([[3, 1], [6, 4]]);
    expect(my.broadcastTo(my.tensor([1, 2]), [2, 2]).arraySync()).toEqual([[1, 2], [1, 2]]);
    expect(my.expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(my.squeeze(my.zeros([1, 3, 1])).shape).toEqual([3]);
    expect(my.flatten(my.zeros([2, 3, 4])).shape).toEqual([2, 12]);
    const c = my.clone(x);
    expect(c.arraySync()).toEqual(x.arraySync());
    expect(c.storage).not.toBe(x.storage);
  });
  test('fused ops equal the composed ops', () => {
    const x = my.randomNormal([5, 4], { seed: 1 });
    const w = my.randomNormal([4, 3], { seed: 2 });
    const b = my.randomNormal([3], { seed: 3 });
    for (const act of ['relu', 'sigmoid', 'tanh', 'gelu', 'linear'] as const) {
      const fused = my.dense(x, w, b, act).dataSync();
      const z = my.add(my.matmul(x, w), b);
      const composed = (act === 'linear' ? z : (my as unknown as Record<string, (t: my.Tensor) => my.Tensor>)[act](z)).dataSync();
      fused.forEach((v, i) => expect(Math.abs(v - composed[i])).toBeLessThan(1e-5));
    }
    // Rows of a [batch, time, features] input: the same values as the 2-D op on the reshaped rows.
    const x3 = my.randomNormal([2, 5, 4], { seed: 5 });
    const y3 = my.dense(x3, w, b, 'relu');
    expect(y3.shape).toEqual([2, 5, 3]);
    expect(Array.from(y3.dataSync())).toEqual(Array.from(my.dense(my.reshape(x3, [10, 4]), w, b, 'relu').dataSync()));
    const logits = my.randomNormal([4, 3], { seed: 4 });
    const labels = my.tensor([0, 2, 1, 2]);
    const oneHot = my.tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]]);
    const composed = my.neg(my.sum(my.mul(my.logSoftmax(logits), oneHot), 1)).dataSync();
    const sparse = my.softmaxCrossEntropy(logits, labels, true).dataSync();
    const dense = my.softmaxCrossEntropy(logits, oneHot, false).dataSync();
    composed.forEach((v, i) => {
      expect(Math.abs(v - sparse[i])).toBeLessThan(1e-5);
      expect(Math.abs(v - dense[i])).toBeLessThan(1e-5);
    });
  });
  test('softmax cross-entropy with soft targets that do not sum to 1 matches PyTorch', () => {
    // torch.nn.functional.cross_entropy(logits, target_probs, reduction='none') on logits [1, 2, 0.5] and
    // targets [0.5, 0.5, 0.5]: loss 1.89802 (= 1.5 * logsumexp - 1.75), gradient [-0.153164, 0.442798, -0.289634].
    const logits = my.variable(my.tensor([[1, 2, 0.5]]));
    const targets = my.tensor([[0.5, 0.5, 0.5]]);
    const { value, grads } = my.valueAndGrads(() => my.softmaxCrossEntropy(logits, targets, false), [logits]);
    close(value, [1.5 * Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)) - 1.75]);
    close(grads[0], [[-0.153164, 0.442798, -0.289634]]);
  });
  test('sigmoidCrossEntropy is softplus(x) - x t to the bit; its mean is mean() of it, with the same gradient', () => {
    const logits = my.variable(my.randomNormal([37, 3], { seed: 10, stddev: 4 }));
    const targets = my.randomUniform([37, 3], { seed: 11 });
    const fused = my.sigmoidCrossEntropy(logits, targets).dataSync();
    const composed = my.sub(my.softplus(logits), my.mul(logits, targets)).dataSync();
    expect(Array.from(fused)).toEqual(Array.from(composed));
    const folded = my.valueAndGrads(() => my.meanSigmoidCrossEntropy(logits, targets), [logits]);
    const apart = my.valueAndGrads(() => my.mean(my.sigmoidCrossEntropy(logits, targets)), [logits]);
    expect(Array.from(folded.value.dataSync())).toEqual(Array.from(apart.value.dataSync()));
    expect(Array.from(folded.grads[0].dataSync())).toEqual(Array.from(apart.grads[0].dataSync()));
  });
  test.each([true, false])('meanSoftmaxCrossEntropy equals mean(softmaxCrossEntropy) to the bit, value and gradient (sparse=%s)', (sparse) => {
    const logits = my.variable(my.randomNormal([37, 11], { seed: 8 }));
    const targets = sparse ? my.tensor(Array.from({ length: 37 }, (_, i) => (i * 7) % 11))
      : my.softmax(my.randomNormal([37, 11], { seed: 9 }), -1);
    const fused = my.valueAndGrads(() => my.meanSoftmaxCrossEntropy(logits, targets, sparse), [logits]);
    const composed = my.valueAndGrads(() => my.mean(my.softmaxCrossEntropy(logits, targets, sparse)), [logits]);
    expect(fused.value.shape).toEqual([]);
    expect(Array.from(fused.value.dataSync())).toEqual(Array.from(composed.value.dataSync()));
    expect(Array.from(fused.grads[0].dataSync())).toEqual(Array.from(composed.grads[0].dataSync()));
  });
});
