/**
 * The Conv1D / Conv2D layers: Keras output shapes ('same' with strides, dilation), gradients by central
 * differences, config and save/load round trips, typed errors for bad options and inputs, and a Sequential CNN
 * that trains on the compiled fast path.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

const tensorOf = (shape: number[], seed: number) => my.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed, -1, 1), shape);

describe('conv layers', () => {
  test.each([
    // [input sample, options, Keras's output sample shape]
    [[7, 7, 3], { kernelSize: 3 }, [5, 5, 4]],
    [[7, 7, 3], { kernelSize: 3, padding: 'same' }, [7, 7, 4]],
    [[7, 7, 3], { kernelSize: 3, strides: 2 }, [3, 3, 4]],
    [[7, 7, 3], { kernelSize: 3, strides: 2, padding: 'same' }, [4, 4, 4]],
    [[8, 8, 3], { kernelSize: 3, strides: 2, padding: 'same' }, [4, 4, 4]],
    [[10, 9, 1], { kernelSize: [3, 2], strides: [3, 2], padding: 'same' }, [4, 5, 4]],
    [[9, 9, 2], { kernelSize: 3, dilationRate: 2 }, [5, 5, 4]],
    [[9, 9, 2], { kernelSize: 3, dilationRate: 2, padding: 'same' }, [9, 9, 4]],
  ] as const)('conv2d on %j with %j gives %j, built and computed', (sample, options, want) => {
    const layer = my.layers.conv2d({ filters: 4, ...(options as object), kernelSize: options.kernelSize as number } as my.layers.ConvArgs);
    expect(layer.computeOutputShape([...sample])).toEqual(want);
    const y = layer.apply(tensorOf([2, ...sample], 1));
    expect(y.shape).toEqual([2, ...want]);
    expect(layer.kernel!.shape).toEqual([...(Array.isArray(options.kernelSize) ? options.kernelSize : [options.kernelSize, options.kernelSize]), sample[2], 4]);
  });

  test.each([
    [[10, 3], { kernelSize: 3 }, [8, 5]],
    [[10, 3], { kernelSize: 3, strides: 3, padding: 'same' }, [4, 5]],
    [[10, 3], { kernelSize: 4, dilationRate: 3 }, [1, 5]],
  ] as const)('conv1d on %j with %j gives %j', (sample, options, want) => {
    const layer = my.layers.conv1d({ filters: 5, ...options });
    expect(layer.computeOutputShape([...sample])).toEqual(want);
    expect(layer.apply(tensorOf([3, ...sample], 2)).shape).toEqual([3, ...want]);
  });

  test('gradients of Conv2D (same with strides 2 and tanh; dilation with softmax) and Conv1D by central differences', () => {
    my.setSeed(3);
    checkLayerGradients((l, x) => l.apply(x, true), my.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }), tensorOf([2, 5, 6, 2], 3));
    checkLayerGradients((l, x) => l.apply(x, true), my.layers.conv2d({ filters: 2, kernelSize: [2, 3], dilationRate: [2, 1], activation: 'softmax' }), tensorOf([1, 5, 5, 2], 4));
    checkLayerGradients((l, x) => l.apply(x, true), my.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false }), tensorOf([2, 6, 2], 5));
  });

  test('getConfig round trip through deserializeLayer, and save / load of a CNN with the same predictions', () => {
    const layer = my.layers.conv2d({ filters: 6, kernelSize: [3, 2], strides: [2, 1], padding: 'same', dilationRate: 1, activation: 'elu',
      useBias: false, kernelRegularizer: my.regularizers.l2({ l2: 0.01 }), name: 'c2' });
    const config = { className: layer.className, config: layer.getConfig() };
    const again = my.layers.deserializeLayer(config);
    expect({ className: again.className, config: again.getConfig() }).toEqual(config);
    my.setSeed(11);
    const model = my.sequential([
      my.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      my.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, dilationRate: 1, activation: 'tanh' }),
      my.layers.flatten(),
      my.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-conv-'));
    try {
      model.save(dir);
      const loaded = my.loadModel(dir);
      expect(loaded.getConfig()).toEqual(model.getConfig());
      const x = tensorOf([3, 6, 6, 2], 6);
      expect(Array.from(loaded.predict(x).dataSync())).toEqual(Array.from(model.predict(x).dataSync()));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('depthwiseConv2d: output channels C x depthMultiplier in Keras order, gradients, config round trip, bad multiplier', () => {
    my.setSeed(4);
    const layer = my.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'elu' });
    expect(layer.computeOutputShape([7, 6, 3])).toEqual([4, 3, 6]);
    const x = tensorOf([2, 7, 6, 3], 10);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 4, 3, 6]);
    expect(layer.kernel!.shape).toEqual([3, 3, 3, 2]);
    expect(layer.bias!.shape).toEqual([6]);
    // Output channel c * 2 + m sees only input channel c: zeroing channel 1 of x changes outputs 2 and 3 only.
    const x2 = x.dataSync().slice();
    for (let i = 1; i < x2.length; i += 3) x2[i] = 0;
    const a = y.dataSync();
    const b = layer.apply(my.tensor(x2, x.shape.slice())).dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i] === b[i]).toBe(i % 6 !== 2 && i % 6 !== 3);
    checkLayerGradients((l, t) => l.apply(t, true), my.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, activation: 'tanh' }), tensorOf([1, 4, 4, 2], 11));
    const config = { className: layer.className, config: layer.getConfig() };
    expect(config.config.depthMultiplier).toBe(2);
    expect(config.config).not.toHaveProperty('filters');
    const again = my.layers.deserializeLayer(config);
    expect({ className: again.className, config: again.getConfig() }).toEqual(config);
    expect(() => my.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 0 })).toThrow(/dw: depthMultiplier must be a positive integer, got 0/);
    expect(() => my.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 1.5 })).toThrow(ValueError);
    expect(() => my.layers.depthwiseConv2d({ name: 'dw2', kernelSize: 3 }).apply(tensorOf([1, 5, 5], 12))).toThrow(/dw2: expected samples of rank 3/);
  });

  test('bad options: typed errors naming the layer and the option', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ filters: 2.5, kernelSize: 3 }, /conv2d.*filters must be a positive integer, got 2\.5/],
      [{ filters: -1, kernelSize: 3 }, /filters must be a positive integer/],
      [{ filters: 2 }, /kernelSize is required/],
      [{ filters: 2, kernelSize: -3 }, /kernelSize must be a positive integer or 2 of them, got -3/],
      [{ filters: 2, kernelSize: [3, 3, 3] }, /kernelSize must be a positive integer or 2 of them/],
      [{ filters: 2, kernelSize: 3, strides: 0 }, /strides must be a positive integer/],
      [{ filters: 2, kernelSize: 3, dilationRate: 1.5 }, /dilationRate must be a positive integer/],
      [{ filters: 2, kernelSize: 3, padding: 'full' }, /padding must be 'valid' or 'same', got "full"/],
      [{ filters: 2, kernelSize: 3, activation: 'nope' }, /activation/],
      [{ filters: 2, kernelSize: 3, useBias: 'yes' }, /useBias must be a boolean/],
    ];
    for (const [options, message] of bad) {
      expect(() => my.layers.conv2d({ name: 'conv2d', ...options } as never)).toThrow(ValueError);
      expect(() => my.layers.conv2d({ name: 'conv2d', ...options } as never)).toThrow(message);
    }
    expect(() => my.layers.conv1d({ filters: 2, kernelSize: [3, 3] } as never)).toThrow(/Conv1D: kernelSize must be a positive integer or 1 of them/);
    expect(() => my.layers.conv2d(null as never)).toThrow(ValueError);
  });

  test('a window larger than the input with valid padding, or a wrong rank: ShapeError naming the layer', () => {
    expect(() => my.layers.conv2d({ name: 'big', inputShape: [4, 4, 1], filters: 2, kernelSize: 5 }))
      .toThrow(/big: the window \(5\) is larger than the input's height 4 with padding 'valid'/);
    const dilated = my.layers.conv2d({ name: 'dilated', filters: 2, kernelSize: 3, dilationRate: [1, 3] });
    expect(() => dilated.apply(tensorOf([1, 5, 6, 1], 7))).toThrow(ShapeError);
    expect(() => dilated.apply(tensorOf([1, 5, 6, 1], 7))).toThrow(/dilated: the window \(3 with dilation 3, spanning 7\) is larger than the input's width 6/);
    const c2 = my.layers.conv2d({ name: 'c2d', filters: 2, kernelSize: 1 });
    expect(() => c2.apply(tensorOf([2, 5, 3], 8))).toThrow(/c2d: expected samples of rank 3 \[height, width, channels\].*got samples of shape \[5, 3\]/);
    const c1 = my.layers.conv1d({ name: 'c1d', filters: 2, kernelSize: 2 });
    expect(() => c1.apply(tensorOf([2, 4, 4, 1], 8))).toThrow(/c1d: expected samples of rank 2 \[steps, channels\]/);
    expect(() => my.sequential([my.layers.conv2d({ name: 'first', inputShape: [8], filters: 2, kernelSize: 3 })])).toThrow(ShapeError);
    // Still usable after the errors.
    expect(c2.apply(tensorOf([2, 5, 3, 1], 9)).shape).toEqual([2, 5, 3, 2]);
  });
});
