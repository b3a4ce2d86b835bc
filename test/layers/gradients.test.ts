/** Gradient checks by central differences for every layer, on every backend that loads. */
import * as my from '../../lib/index';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'gelu', 'silu', 'swish', 'softplus'];

describe.each(availableBackends())('layer gradients ($label)', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));
  afterAll(() => my.setBackend('reference'));

  /** Inputs kept away from 0 so that relu / leakyRelu kinks are not crossed by the finite difference. */
  const input = (shape: number[], seed: number) => my.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed, -2, 2, [0], 0.1), shape);

  test.each(DENSE_ACTIVATIONS)('dense with activation %s (input, kernel, bias)', (activation) => {
    const layer = my.layers.dense({ units: 3, activation, kernelInitializer: my.initializers.glorotUniform({ seed: 4 }), biasInitializer: my.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 8 }) });
    const x = input([4, 5], 11);
    // Pre-activations of relu-like units can sit near 0; the seeds above keep them clear of the kink.
    checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    layer.dispose();
    x.dispose();
  });

  test('dense on rank-3 input applies to the last axis', () => {
    const layer = my.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: my.initializers.glorotUniform({ seed: 1 }) });
    const x = input([2, 3, 4], 12);
    checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    layer.dispose();
    x.dispose();
  });

  test('dense with kernel/bias/activity regularizers: gradient of output plus penalties', () => {
    const layer = my.layers.dense({
      units: 3,
      kernelInitializer: my.initializers.glorotUniform({ seed: 2 }),
      biasInitializer: my.initializers.constant({ value: 0.3 }),
      kernelRegularizer: my.regularizers.l2({ l2: 0.1 }),
      biasRegularizer: my.regularizers.l2({ l2: 0.2 }),
      activityRegularizer: my.regularizers.l2({ l2: 0.05 }),
    });
    const x = input([3, 4], 13);
    checkLayerGradients((l, xv) => {
      const y = l.apply(xv, true);
      const reg = my.add(l.regularizationLoss() as my.Tensor, l.activityLoss(y) as my.Tensor);
      return my.add(y, reg);
    }, layer, x);
    layer.dispose();
    x.dispose();
  });

  test('batchNormalization in training (batch statistics, gamma, beta) and at inference', () => {
    const layer = my.layers.batchNormalization({ gammaInitializer: my.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }), betaInitializer: my.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 4 }) });
    const x = input([6, 3], 14);
    checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    checkLayerGradients((l, xv) => l.apply(xv, false), layer, x);
    layer.dispose();
    x.dispose();
  });

  test('batchNormalization on rank-3 input normalizes over batch and middle axes', () => {
    const layer = my.layers.batchNormalization({ gammaInitializer: my.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }) });
    const x = input([3, 2, 2], 15);
    checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    layer.dispose();
    x.dispose();
  });

  test('dropout in training with a fixed mask (same seed for every evaluation)', () => {
    const holder = my.layers.flatten();
    const x = input([4, 5], 16);
    checkLayerGradients((_l, xv) => my.layers.dropout({ rate: 0.4, seed: 21 }).apply(xv, true), holder, x);
    x.dispose();
  });

  test('activation layer and flatten', () => {
    const x = input([2, 3, 2], 17);
    checkLayerGradients((l, xv) => l.apply(xv, true), my.layers.activation({ activation: 'softmax' }), x);
    checkLayerGradients((l, xv) => my.square(l.apply(xv, true)), my.layers.flatten(), x);
    x.dispose();
  });
});
