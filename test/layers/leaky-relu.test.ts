/**
 * leakyRelu with its slope: the LeakyReLU layer (Keras 3 default 0.3; its docstring's example), the activation
 * function and the activation name (Keras 3's `keras.activations.leaky_relu`, negative_slope 0.2), gradients by
 * central differences, config round-trip, bad alpha, and a fit that keeps the compiled / native path.
 */
import * as my from '../../lib/index';
import { describeEachBackend } from '../helpers/backends';
import { checkLayerGradients } from './layer-gradcheck';

describeEachBackend('leakyRelu', (c) => {
  test('the layer: Keras docstring example (negative_slope 0.5), default slope 0.3', () => {
    const x = my.tensor([[-10, -5, 0, 5, 10]]);
    expect(Array.from((my.layers.leakyRelu({ alpha: 0.5 }).apply(x) as my.Tensor).dataSync())).toEqual([-5, -2.5, 0, 5, 10]);
    const d = my.layers.leakyRelu();
    expect(d.alpha).toBe(0.3);
    expect(Array.from((d.apply(my.tensor([[-2, 3]])) as my.Tensor).dataSync())).toEqual([Math.fround(-0.6), 3]);
  });

  test('the activation function and the name default to Keras 3 activation slope 0.2', () => {
    const x = my.tensor([-2, -0.5, 1]);
    expect(Array.from(my.activations.leakyRelu(x).dataSync())).toEqual([-0.4, -0.1, 1].map(Math.fround));
    expect(Array.from(my.activations.leakyRelu(x, { alpha: 0.01 }).dataSync())).toEqual([-0.02, -0.005, 1].map(Math.fround));
    expect(Array.from(my.activations.getActivation('leakyRelu').apply(x).dataSync())).toEqual([-0.4, -0.1, 1].map(Math.fround));
    expect(my.activations.getActivation('leakyRelu').param).toBe(0.2);
  });

  test('gradients by central differences (input away from the kink)', () => {
    const layer = my.layers.leakyRelu({ alpha: 0.15 });
    checkLayerGradients((l, x) => l.apply(x) as my.Tensor, layer, my.tensor([[-1.5, -0.4, 0.3], [0.8, -2, 1.2]]));
  });

  test('config round-trip and bad alpha', () => {
    const l = my.layers.leakyRelu({ alpha: 0.05, name: 'lr1' });
    const copy = my.layers.deserializeLayer({ className: 'LeakyReLU', config: JSON.parse(JSON.stringify(l.getConfig())) }) as my.layers.LeakyReLU;
    expect(copy.alpha).toBe(0.05);
    expect(copy.name).toBe('lr1');
    for (const bad of [-0.1, NaN, 'x']) expect(() => my.layers.leakyRelu({ alpha: bad as never })).toThrow(/alpha must be a finite number >= 0/);
    expect(() => my.activations.leakyRelu(my.tensor([1]), { alpha: -1 })).toThrow(my.ValueError);
  });

  test('a model with LeakyReLU layers trains on the fast path', async () => {
    const model = my.sequential([my.layers.dense({ units: 8, inputShape: [3] }), my.layers.leakyRelu({ alpha: 0.1 }), my.layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = my.tensor(Array.from({ length: 48 }, (_, i) => Math.sin(i)), [16, 3]);
    const y = my.tensor(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [16, 1]);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const expected = c.name === 'reference' ? 'replay' : c.name === 'cuda' ? 'native-steps' : 'native-epochs';
    expect(h.params.strategy).toBe(expected);
    model.dispose();
  });
});
