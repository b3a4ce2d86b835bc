/**
 * Layer behaviour against numbers computed once with PyTorch 1.13 (torch.nn.functional.batch_norm,
 * float64) and NumPy 1.24 (dense, Keras moving averages), plus configs, weights and bad input.
 */
import * as my from '../../lib/index';

const close = (actual: my.Tensor, expected: number[][], tol = 2e-5) => {
  const a = actual.arraySync() as number[][];
  expect(a.length).toBe(expected.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i][j])))));
};

const X = [[0.5, -1.2, 2.0], [1.5, 0.3, -0.7], [-0.4, 0.9, 0.1], [2.2, -0.5, 1.3]];

describe('dense', () => {
  test('relu(x W + b) matches NumPy; shapes, params and defaults', () => {
    const layer = my.layers.dense({ units: 2, activation: 'relu' });
    const x = my.tensor(X);
    layer.apply(x);
    layer.setWeights([my.tensor([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]]), my.tensor([0.05, -0.1])]);
    close(layer.apply(x), [[0.0, 0.83], [0.82, 0.0], [0.28, 0.17], [0.0, 0.0]]);
    expect(layer.countParams()).toBe(8);
    expect(layer.computeOutputShape([3])).toEqual([2]);
    const cfg = layer.getConfig();
    expect(cfg).toMatchObject({ units: 2, activation: 'relu', useBias: true });
    expect((cfg.kernelInitializer as { className: string }).className).toMatch(/glorot/i);
  });

  test('glorotUniform kernel stays within sqrt(6 / (fanIn + fanOut)); bias starts at zero', () => {
    my.setSeed(3);
    const layer = my.layers.dense({ units: 40, inputShape: [60] });
    layer.build([60]);
    const limit = Math.sqrt(6 / 100);
    const k = (layer.kernel as my.Variable).dataSync();
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(Array.from((layer.bias as my.Variable).dataSync()).every((v) => v === 0)).toBe(true);
  });

  test('useBias false has no bias weight; bad options are ValueErrors naming the option', () => {
    expect(my.layers.dense({ units: 3, useBias: false, inputShape: [2] }).apply(my.zeros([1, 2])).shape).toEqual([1, 3]);
    expect(() => my.layers.dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => my.layers.dense({ units: 2, activation: 'nope' })).toThrow(my.ValueError);
    expect(() => my.layers.dense({ units: 2, inputShape: [0] })).toThrow(/inputShape/);
  });

  test('input of the wrong feature size is a ShapeError naming the layer and both shapes', () => {
    const layer = my.layers.dense({ units: 2, inputShape: [3], name: 'd_in' });
    expect(() => layer.apply(my.zeros([4, 5]))).toThrow(my.ShapeError);
    expect(() => layer.apply(my.zeros([4, 5]))).toThrow(/d_in.*\[3\].*\[4, 5\]/);
    expect(layer.apply(my.zeros([4, 3])).shape).toEqual([4, 2]);
  });

  test('setWeights checks count and shapes before changing anything', () => {
    const layer = my.layers.dense({ units: 2, inputShape: [3] });
    layer.build([3]);
    const before = layer.getWeights().map((w) => Array.from(w.dataSync()));
    expect(() => layer.setWeights([my.zeros([3, 2])])).toThrow(my.ShapeError);
    expect(() => layer.setWeights([my.zeros([3, 2]), my.zeros([3])])).toThrow(/bias.*\[2\].*\[3\]/);
    expect(layer.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });
});

describe('batchNormalization', () => {
  const gamma = [1.5, 0.5, -1.0];
  const beta = [0.1, -0.2, 0.3];

  test('training output matches torch batch_norm (biased variance, eps 1e-3); moving stats follow Keras momentum 0.99', () => {
    const layer = my.layers.batchNormalization();
    const x = my.tensor(X);
    layer.build([3]);
    layer.setWeights([my.tensor(gamma), my.tensor(beta), my.zeros([3]), my.ones([3])]);
    close(layer.apply(x, true), [[-0.5841255, -0.8756464, -0.9674494], [0.9361534, 0.067116, 1.6152777], [-1.9523766, 0.444221, 0.8500252], [2.0003487, -0.4356906, -0.2978535]]);
    // NumPy: moving_mean = 0.01 * mean(x), moving_var = 0.99 + 0.01 * var(x) (biased, as Keras).
    close(my.tensor([Array.from((layer.movingMean as my.Variable).dataSync())]), [[0.0095, -0.00125, 0.00675]], 1e-5);
    close(my.tensor([Array.from((layer.movingVariance as my.Variable).dataSync())]), [[0.999725, 0.99631875, 1.00091875]], 1e-5);
    // Inference uses the moving statistics (NumPy).
    close(layer.apply(x, false), [[0.8354834, -0.8001802, -1.6913405], [2.33494, -0.0491727, 1.0060729], [-0.5140275, 0.2512303, 0.2068393], [3.3845596, -0.44971, -0.9920111]]);
    expect(layer.trainableWeights.map((w) => w.name)).toEqual([`${layer.name}/gamma`, `${layer.name}/beta`]);
    expect(layer.countParams()).toBe(12);
  });

  test('options are checked', () => {
    expect(() => my.layers.batchNormalization({ axis: 0 })).toThrow(/axis -1/);
    expect(() => my.layers.batchNormalization({ momentum: 2 })).toThrow(/momentum/);
    expect(() => my.layers.batchNormalization({ epsilon: 0 })).toThrow(/epsilon/);
  });
});

describe('dropout', () => {
  test('identity at inference; in training zeros about `rate` of the inputs and scales the rest by 1/(1-rate)', () => {
    const layer = my.layers.dropout({ rate: 0.25, seed: 1 });
    const x = my.ones([100, 40]);
    expect(layer.apply(x, false)).toBe(x);
    const y = layer.apply(x, true).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(zeros / y.length).toBeGreaterThan(0.22);
    expect(zeros / y.length).toBeLessThan(0.28);
  });

  test('the same seed gives the same masks; rate is checked', () => {
    const a = my.layers.dropout({ rate: 0.5, seed: 9 }).apply(my.ones([3, 4]), true).dataSync();
    const b = my.layers.dropout({ rate: 0.5, seed: 9 }).apply(my.ones([3, 4]), true).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => my.layers.dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\), got 1/);
    expect(() => my.layers.dropout({ rate: Number.NaN })).toThrow(my.ValueError);
  });
});

describe('flatten, activation, registry', () => {
  test('flatten collapses every axis after the batch', () => {
    const y = my.layers.flatten().apply(my.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]));
    expect(y.arraySync()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  test('activation layer applies softmax over the last axis', () => {
    const y = my.layers.activation({ activation: 'softmax' }).apply(my.tensor([[0, Math.log(3)]])).dataSync();
    expect(y[0]).toBeCloseTo(0.25, 6);
    expect(y[1]).toBeCloseTo(0.75, 6);
    expect(() => my.layers.activation({ activation: 'bogus' })).toThrow(my.ValueError);
  });

  test('every layer round-trips through getConfig / deserializeLayer', () => {
    const layers = [
      my.layers.dense({ units: 4, activation: 'tanh', useBias: false, kernelRegularizer: my.regularizers.l2({ l2: 0.3 }), inputShape: [5] }),
      my.layers.dropout({ rate: 0.3, seed: 2 }),
      my.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, center: false }),
      my.layers.activation({ activation: 'relu' }),
      my.layers.flatten(),
    ];
    for (const l of layers) {
      const copy = my.layers.deserializeLayer({ className: l.className, config: JSON.parse(JSON.stringify(l.getConfig())) });
      expect(copy.className).toBe(l.className);
      expect(copy.getConfig()).toEqual(l.getConfig());
    }
  });

  test('unknown classes and bad configs are ModelFormatErrors', () => {
    expect(() => my.layers.deserializeLayer({ className: 'Conv9D', config: {} })).toThrow(my.ModelFormatError);
    expect(() => my.layers.deserializeLayer({ className: 'Dense', config: { units: -1 } })).toThrow(/Dense.*units/);
    expect(() => my.layers.deserializeLayer(null as never)).toThrow(my.ModelFormatError);
  });
});
