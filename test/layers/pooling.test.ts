/**
 * The pooling layers (maxPooling1d/2d, averagePooling1d/2d): Keras's output shapes, finite-difference gradients on
 * every backend, getConfig / save / load round trips and typed errors naming the layer.
 */
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { deserializeLayer } from '../../lib/layers/registry';
import { availableBackends } from '../helpers/backends';
import { distinctValues } from '../helpers/distinct-values';
import { checkLayerGradients } from './layer-gradcheck';

describe('pooling layers: output shapes as Keras', () => {
  test.each([
    // [factory, options, input sample shape, Keras's output sample shape]
    ['maxPooling2d', {}, [28, 28, 3], [14, 14, 3]],
    ['maxPooling2d', { poolSize: 3, strides: 2 }, [26, 26, 32], [12, 12, 32]],
    ['maxPooling2d', { poolSize: 3, strides: 2, padding: 'same' }, [7, 7, 1], [4, 4, 1]],
    ['maxPooling2d', { poolSize: [2, 3], strides: [1, 2], padding: 'valid' }, [5, 8, 2], [4, 3, 2]],
    ['averagePooling2d', { poolSize: 2, padding: 'same' }, [5, 5, 4], [3, 3, 4]],
    ['averagePooling2d', { poolSize: 3 }, [7, 8, 1], [2, 2, 1]],
    ['maxPooling1d', {}, [10, 4], [5, 4]],
    ['maxPooling1d', { poolSize: 3, strides: 1, padding: 'same' }, [10, 4], [10, 4]],
    ['averagePooling1d', { poolSize: 4, strides: 3 }, [11, 2], [3, 2]],
  ] as const)('%s(%j) on [%j]', (factory, options, sample, want) => {
    const layer = (my.layers as unknown as Record<string, (o: object) => my.layers.Layer>)[factory](options);
    expect(layer.computeOutputShape(sample.slice())).toEqual(want);
    const y = layer.apply(my.zeros([2, ...sample]));
    expect(y.shape).toEqual([2, ...want]);
    y.dispose();
  });
});

describe.each(availableBackends())('pooling layer gradients ($label)', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));
  afterAll(() => my.setBackend('reference'));

  test.each([
    ['maxPooling2d 2x2', () => my.layers.maxPooling2d({ poolSize: 2 }), [2, 4, 4, 3]],
    ['maxPooling2d 3x3 stride 1 (overlapping)', () => my.layers.maxPooling2d({ poolSize: 3, strides: 1 }), [1, 5, 4, 2]],
    ['maxPooling2d 3x3 stride 2 same', () => my.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [2, 5, 5, 2]],
    ['averagePooling2d 2x2 same', () => my.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), [2, 5, 3, 2]],
    ['averagePooling2d 3x2 stride 1', () => my.layers.averagePooling2d({ poolSize: [3, 2], strides: 1 }), [1, 4, 4, 3]],
    ['maxPooling1d 3 stride 2 same', () => my.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [2, 7, 3]],
    ['averagePooling1d 2', () => my.layers.averagePooling1d({ poolSize: 2 }), [3, 6, 2]],
  ] as const)('%s: input gradient by central differences', (_label, make, shape) => {
    const layer = make();
    const x = distinctValues(shape.slice(), 7);
    checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    layer.dispose();
    x.dispose();
  });
});

describe('pooling layers: config, save and load', () => {
  test('getConfig recreates each layer with the same options and outputs', () => {
    const layers = [
      my.layers.maxPooling2d({ poolSize: [3, 2], strides: [2, 1], padding: 'same', name: 'p1' }),
      my.layers.averagePooling2d({ poolSize: 2 }),
      my.layers.maxPooling1d({ poolSize: 3, strides: 2 }),
      my.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
    ];
    for (const layer of layers) {
      const again = deserializeLayer({ className: layer.className, config: layer.getConfig() });
      expect(again.className).toBe(layer.className);
      expect(again.getConfig()).toEqual(layer.getConfig());
      const x = distinctValues(layer.className.endsWith('1D') ? [2, 9, 3] : [2, 7, 6, 3], 3);
      expect(Array.from(again.apply(x).dataSync())).toEqual(Array.from(layer.apply(x).dataSync()));
    }
    expect(layers[0].getConfig()).toMatchObject({ poolSize: [3, 2], strides: [2, 1], padding: 'same', name: 'p1' });
    expect(layers[2].getConfig()).toMatchObject({ poolSize: 3, strides: 2, padding: 'valid' });
  });

  test('a model with pooling layers predicts the same after save and load', async () => {
    const dir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'myelin-pool-'));
    const model = my.sequential([
      my.layers.maxPooling2d({ inputShape: [6, 6, 2], poolSize: 2 }),
      my.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      my.layers.flatten(),
      my.layers.dense({ units: 3 }),
    ]);
    const x = distinctValues([4, 6, 6, 2], 9);
    const before = model.predict(x) as my.Tensor;
    await model.save(dir);
    const loaded = await my.loadModel(dir);
    const after = loaded.predict(x) as my.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    expect(loaded.layers.map((l) => l.className)).toEqual(['MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dense']);
  });
});

describe('pooling layers: bad input gives typed errors naming the layer', () => {
  test('pool larger than the input with valid padding, when the model is built', () => {
    expect(() => my.sequential([my.layers.maxPooling2d({ inputShape: [3, 3, 1], poolSize: 4, name: 'pool_a' })]).summary())
      .toThrow(ShapeError);
    expect(() => my.layers.maxPooling2d({ poolSize: 4, name: 'pool_b' }).apply(my.zeros([1, 3, 3, 1])))
      .toThrow(/pool_b: pool size 4 is larger than the input's 3 with padding 'valid'/);
    expect(() => my.layers.averagePooling1d({ poolSize: 5, name: 'pool_c' }).apply(my.zeros([1, 4, 2]))).toThrow(/pool_c/);
  });

  test('wrong input rank', () => {
    expect(() => my.layers.maxPooling2d({ name: 'pool_d' }).apply(my.zeros([2, 8, 3])))
      .toThrow(/pool_d: expected samples of rank 3 \[height, width, channels\], got \[8, 3\]/);
    expect(() => my.layers.maxPooling1d({ name: 'pool_e' }).apply(my.zeros([2, 8, 8, 3]))).toThrow(ShapeError);
  });

  test('bad sizes, strides and padding', () => {
    expect(() => my.layers.maxPooling2d({ poolSize: 0, name: 'pool_f' })).toThrow(/pool_f: poolSize must be a positive integer or 2 of them, got 0/);
    expect(() => my.layers.maxPooling2d({ poolSize: [2, 2, 2] })).toThrow(ValueError);
    expect(() => my.layers.averagePooling2d({ strides: 1.5 })).toThrow(/strides/);
    expect(() => my.layers.maxPooling1d({ padding: 'causal' as never, name: 'pool_g' })).toThrow(/pool_g: padding must be 'valid' or 'same', got "causal"/);
    expect(() => my.layers.maxPooling2d(42 as never)).toThrow(ValueError);
  });
});
