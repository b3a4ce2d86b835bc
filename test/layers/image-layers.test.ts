/**
 * Global pooling, zeroPadding2d, upSampling2d and spatialDropout1d/2d: Keras's output shapes, values checked
 * against direct loops, finite-difference gradients on every backend, getConfig round trips and typed errors.
 */
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { deserializeLayer } from '../../lib/layers/registry';
import { availableBackends } from '../helpers/backends';
import { distinctValues } from '../helpers/distinct-values';
import { checkLayerGradients } from './layer-gradcheck';

type Factory = () => my.layers.Layer;

describe('image layers: output shapes as Keras', () => {
  test.each([
    ['globalAveragePooling1d', () => my.layers.globalAveragePooling1d(), [10, 4], [4]],
    ['globalAveragePooling2d', () => my.layers.globalAveragePooling2d(), [5, 6, 3], [3]],
    ['globalMaxPooling1d', () => my.layers.globalMaxPooling1d(), [10, 4], [4]],
    ['globalMaxPooling2d', () => my.layers.globalMaxPooling2d(), [5, 6, 3], [3]],
    ['zeroPadding2d default', () => my.layers.zeroPadding2d(), [4, 5, 2], [6, 7, 2]],
    ['zeroPadding2d [1, 2]', () => my.layers.zeroPadding2d({ padding: [1, 2] }), [4, 5, 2], [6, 9, 2]],
    ['zeroPadding2d [[1, 0], [2, 3]]', () => my.layers.zeroPadding2d({ padding: [[1, 0], [2, 3]] }), [4, 5, 2], [5, 10, 2]],
    ['upSampling2d default', () => my.layers.upSampling2d(), [3, 4, 2], [6, 8, 2]],
    ['upSampling2d [3, 1]', () => my.layers.upSampling2d({ size: [3, 1] }), [3, 4, 2], [9, 4, 2]],
    ['upSampling2d bilinear', () => my.layers.upSampling2d({ size: 2, interpolation: 'bilinear' }), [3, 4, 2], [6, 8, 2]],
    ['spatialDropout1d', () => my.layers.spatialDropout1d({ rate: 0.5 }), [7, 3], [7, 3]],
    ['spatialDropout2d', () => my.layers.spatialDropout2d({ rate: 0.5 }), [4, 4, 3], [4, 4, 3]],
  ] as Array<[string, Factory, number[], number[]]>)('%s on [%j]', (_label, make, sample, want) => {
    const layer = make();
    expect(layer.computeOutputShape(sample.slice())).toEqual(want);
    for (const training of [false, true]) {
      const y = layer.apply(my.ones([2, ...sample]), training);
      expect(y.shape).toEqual([2, ...want]);
      y.dispose();
    }
  });
});

describe('image layers: values', () => {
  test('zeroPadding2d puts x inside a zero border; upSampling2d repeats each pixel into its block', () => {
    const x = distinctValues([2, 3, 4, 2], 1);
    const xv = x.arraySync() as number[][][][];
    const padded = my.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }).apply(x).arraySync() as number[][][][];
    const up = my.layers.upSampling2d({ size: [2, 3] }).apply(x).arraySync() as number[][][][];
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 7; j++) {
          for (let c = 0; c < 2; c++) {
            const inside = i >= 1 && i < 4 && j < 4;
            expect(padded[b][i][j][c]).toBe(inside ? xv[b][i - 1][j][c] : 0);
          }
        }
      }
      for (let i = 0; i < 6; i++) for (let j = 0; j < 12; j++) expect(up[b][i][j]).toEqual(xv[b][Math.floor(i / 2)][Math.floor(j / 3)]);
    }
  });

  test('global pooling: the mean and the maximum over every position per channel', () => {
    const x = distinctValues([3, 4, 5, 2], 2);
    const xv = x.arraySync() as number[][][][];
    const avg = my.layers.globalAveragePooling2d().apply(x).arraySync() as number[][];
    const max = my.layers.globalMaxPooling2d().apply(x).arraySync() as number[][];
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 2; c++) {
        const all = xv[b].flat().map((p) => p[c]);
        expect(avg[b][c]).toBeCloseTo(all.reduce((s, v) => s + v, 0) / all.length, 5);
        expect(max[b][c]).toBe(Math.max(...all));
      }
    }
  });

  test('spatialDropout2d drops whole channels, scales the kept ones, and is seeded', () => {
    const x = my.ones([8, 3, 3, 16]);
    const layer = my.layers.spatialDropout2d({ rate: 0.5, seed: 3 });
    const y = layer.apply(x, true).arraySync() as number[][][][];
    let dropped = 0;
    for (let b = 0; b < 8; b++) {
      for (let c = 0; c < 16; c++) {
        const values = new Set(y[b].flat().map((p) => p[c]));
        expect(values.size).toBe(1);
        const v = [...values][0];
        expect([0, 2]).toContain(v);
        if (v === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(30);
    expect(dropped).toBeLessThan(98);
    const again = my.layers.spatialDropout2d({ rate: 0.5, seed: 3 }).apply(x, true).arraySync();
    expect(again).toEqual(y);
    expect(layer.apply(x, true).arraySync()).not.toEqual(y);  // the next call draws afresh
    expect(layer.apply(x, false).arraySync()).toEqual(x.arraySync());
  });
});

describe.each(availableBackends())('image layer gradients ($label)', ({ name, options }) => {
  beforeAll(() => my.setBackend(name, options));
  afterAll(() => my.setBackend('reference'));

  test.each([
    ['globalAveragePooling1d', () => my.layers.globalAveragePooling1d(), [2, 5, 3]],
    ['globalAveragePooling2d', () => my.layers.globalAveragePooling2d(), [2, 3, 4, 2]],
    ['globalMaxPooling1d', () => my.layers.globalMaxPooling1d(), [2, 5, 3]],
    ['globalMaxPooling2d', () => my.layers.globalMaxPooling2d(), [2, 3, 4, 2]],
    ['zeroPadding2d', () => my.layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }), [2, 3, 3, 2]],
    ['upSampling2d', () => my.layers.upSampling2d({ size: [2, 3] }), [2, 2, 3, 2]],
    ['upSampling2d bilinear', () => my.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }), [2, 3, 2, 2]],
    ['spatialDropout2d (training)', () => my.layers.spatialDropout2d({ rate: 0.4, seed: 2 }), [2, 3, 3, 4]],
  ] as Array<[string, Factory, number[]]>)('%s: input gradient by central differences', (_label, make, shape) => {
    const layer = make();
    const x = distinctValues(shape, 5);
    // Spatial dropout draws a fresh mask per call, so finite differences do not apply: its gradient is the mask of
    // the call, 0 or 1 / (1 - rate), one value per (sample, channel).
    if (layer.className.startsWith('Spatial')) {
      const xv = my.variable(x, true, 'x');
      const { value, grads } = my.valueAndGrads(() => my.sum(layer.apply(xv, true)), [xv]);
      const g = grads[0].arraySync() as number[][][][];
      for (const sample of g) for (let c = 0; c < shape[3]; c++) expect(new Set(sample.flat().map((p) => p[c])).size).toBe(1);
      expect(new Set(grads[0].dataSync())).toEqual(new Set([0, Math.fround(1 / 0.6)]));
      value.dispose();
      grads[0].dispose();
    } else {
      checkLayerGradients((l, xv) => l.apply(xv, true), layer, x);
    }
    layer.dispose();
    x.dispose();
  });
});

describe('image layers: config round trip and bad input', () => {
  test('getConfig recreates each layer with the same options', () => {
    const layers = [
      my.layers.globalAveragePooling2d({ name: 'g1' }), my.layers.globalMaxPooling1d(),
      my.layers.zeroPadding2d({ padding: [[1, 2], [3, 4]] }), my.layers.upSampling2d({ size: [2, 3] }),
      my.layers.upSampling2d({ size: 2, interpolation: 'bilinear' }), my.layers.spatialDropout1d({ rate: 0.3, seed: 5 }), my.layers.spatialDropout2d({ rate: 0.1 }),
    ];
    for (const layer of layers) {
      const again = deserializeLayer({ className: layer.className, config: layer.getConfig() });
      expect(again.className).toBe(layer.className);
      expect(again.getConfig()).toEqual(layer.getConfig());
    }
    expect(layers[2].getConfig()).toMatchObject({ padding: [[1, 2], [3, 4]] });
    expect(layers[3].getConfig()).toMatchObject({ size: [2, 3], interpolation: 'nearest' });
  });

  test('wrong ranks and bad options are typed errors naming the layer', () => {
    expect(() => my.layers.globalAveragePooling2d({ name: 'gap' }).apply(my.zeros([2, 4, 3]))).toThrow(/gap: expected samples of rank 3/);
    expect(() => my.layers.globalMaxPooling1d({ name: 'gmp' }).apply(my.zeros([2, 4, 4, 3]))).toThrow(ShapeError);
    expect(() => my.layers.zeroPadding2d({ name: 'zp' }).apply(my.zeros([2, 4, 3]))).toThrow(/zp: expected samples of rank 3/);
    expect(() => my.layers.zeroPadding2d({ padding: -1, name: 'zp2' })).toThrow(/zp2: padding must be/);
    expect(() => my.layers.zeroPadding2d({ padding: [[1, 2]] as never })).toThrow(ValueError);
    expect(() => my.layers.upSampling2d({ size: 0, name: 'up' })).toThrow(/up: size must be/);
    expect(() => my.layers.upSampling2d({ interpolation: 'cubic' as never })).toThrow(ValueError);
    expect(() => my.layers.upSampling2d({ name: 'up2' }).apply(my.zeros([2, 4]))).toThrow(ShapeError);
    expect(() => my.layers.spatialDropout2d({ rate: 1.5 })).toThrow(ValueError);
    expect(() => my.layers.spatialDropout2d({ rate: 0.5, name: 'sd' }).apply(my.zeros([2, 4, 3]), true)).toThrow(/sd: expected samples of rank 3/);
    expect(() => my.sequential([my.layers.globalMaxPooling2d({ inputShape: [4, 4], name: 'gm' })]).summary()).toThrow(/gm/);
  });
});

describe('gaussianNoise layer', () => {
  test('adds seeded N(0, stddev^2) noise in training only, fresh at each call', () => {
    const x = my.ones([64, 32]);
    const layer = my.layers.gaussianNoise({ stddev: 0.5, seed: 4 });
    const y = layer.apply(x, true).dataSync();
    const noise = Array.from(y, (v) => v - 1);
    const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(4 * 0.5 / Math.sqrt(noise.length));
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.05);
    expect(Array.from(my.layers.gaussianNoise({ stddev: 0.5, seed: 4 }).apply(x, true).dataSync())).toEqual(Array.from(y));
    expect(Array.from(layer.apply(x, true).dataSync())).not.toEqual(Array.from(y));
    expect(layer.apply(x, false)).toBe(x);
    expect(layer.computeOutputShape([7, 3])).toEqual([7, 3]);
  });

  test('its gradient passes through unchanged; config round trip; bad stddev', () => {
    const layer = my.layers.gaussianNoise({ stddev: 0.3, seed: 1, name: 'noise' });
    const xv = my.variable(my.ones([3, 4]), true, 'x');
    const { value, grads } = my.valueAndGrads(() => my.sum(my.mul(layer.apply(xv, true), my.fill([3, 4], 2))), [xv]);
    expect(Array.from(grads[0].dataSync())).toEqual(new Array(12).fill(2));
    value.dispose();
    const again = deserializeLayer({ className: 'GaussianNoise', config: layer.getConfig() });
    expect(again.getConfig()).toEqual(layer.getConfig());
    expect(layer.getConfig()).toMatchObject({ stddev: 0.3, seed: 1, name: 'noise' });
    expect(() => my.layers.gaussianNoise({ stddev: -1, name: 'gn' })).toThrow(/gn: stddev must be a finite number >= 0, got -1/);
    expect(() => my.layers.gaussianNoise({} as never)).toThrow(ValueError);
    expect(() => my.layers.gaussianNoise(null as never)).toThrow(ValueError);
  });
});
