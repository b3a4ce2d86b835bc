/**
 * Gradient checks by central differences for the embedding, normalization and shape layers of issue 15 (embedding,
 * layerNormalization on trailing and inner axes, batchNormalization on any axis in training, reshape, permute), on
 * every backend that loads.
 */
import * as my from '../../lib/index';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

describe.each(availableBackends())('embedding / normalization / shape layer gradients ($label)', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));
  afterAll(() => my.setBackend('reference'));

  const input = (shape: number[], seed: number) => my.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed, -2, 2), shape);
  const applyTraining = (l: my.layers.Layer, xv: my.Tensor) => l.apply(xv, true);

  test('embedding: the table gradient (repeated ids) matches central differences', () => {
    const layer = my.layers.embedding({ inputDim: 6, outputDim: 3, embeddingsInitializer: my.initializers.randomUniform({ minval: -1, maxval: 1, seed: 3 }) });
    const ids = my.tensor([[0, 2, 2], [5, 2, 1]]);
    const table = () => layer.embeddings as my.Variable;
    const probe = layer.apply(ids);
    const w = my.tensor(randomValues(probe.size, 9, 0.5, 1.5), probe.shape.slice());
    probe.dispose();
    const loss = () => my.sum(my.mul(layer.apply(ids, true), w));
    const { value, grads } = my.valueAndGrads(loss, [table()]);
    value.dispose();
    const analytic = grads[0].dataSync();
    const base = table().dataSync();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const at = (v: number) => {
        const values = base.slice();
        values[i] = v;
        table().assignData(values);
        return my.tidy(() => my.noGrad(loss).dataSync()[0]);
      };
      const numeric = (at(base[i] + h) - at(base[i] - h)) / (2 * h);
      table().assignData(base);
      expect(Math.abs(numeric - analytic[i])).toBeLessThan(5e-3 * Math.max(1, Math.abs(numeric)));
    }
    // Rows 3 and 4 take no id: their gradient is exactly 0.
    expect(Array.from(analytic.subarray(9, 15))).toEqual([0, 0, 0, 0, 0, 0]);
    grads[0].dispose();
    w.dispose();
    ids.dispose();
    layer.dispose();
  });

  test.each([
    ['axis -1 on [4, 5]', [4, 5], {}],
    ['axis -1 without center and scale', [3, 6], { center: false, scale: false }],
    ['axes [1, 2] on [2, 3, 4]', [2, 3, 4], { axis: [1, 2] }],
    ['inner axis 1 on [2, 3, 4] (transposed)', [2, 3, 4], { axis: 1 }],
  ] as const)('layerNormalization %s (input, gamma, beta)', (_label, shape, args) => {
    const layer = my.layers.layerNormalization({
      ...args,
      gammaInitializer: my.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }),
      betaInitializer: my.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 6 }),
    } as my.layers.LayerNormalizationArgs);
    const x = input(shape as unknown as number[], 21);
    checkLayerGradients(applyTraining, layer, x);
    layer.dispose();
    x.dispose();
  });

  test.each([
    ['axis -1 on [6, 3]', [6, 3], -1],
    ['axis 1 (channels first) on [4, 3, 2]', [4, 3, 2], 1],
    ['axis 2 on [3, 2, 4, 2]', [3, 2, 4, 2], 2],
  ] as const)('batchNormalization %s in training (batch statistics)', (_label, shape, axis) => {
    const layer = my.layers.batchNormalization({ axis, gammaInitializer: my.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 7 }), betaInitializer: my.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 8 }) });
    const x = input(shape as unknown as number[], 22);
    checkLayerGradients(applyTraining, layer, x, { tol: 1e-2 });
    layer.dispose();
    x.dispose();
  });

  test('reshape with -1 and permute (1-based dims)', () => {
    const r = my.layers.reshape({ targetShape: [3, -1] });
    const x = input([2, 12], 23);
    checkLayerGradients(applyTraining, r, x);
    const p = my.layers.permute({ dims: [3, 1, 2] });
    const x3 = input([2, 2, 3, 4], 24);
    checkLayerGradients(applyTraining, p, x3);
    x.dispose();
    x3.dispose();
  });
});
