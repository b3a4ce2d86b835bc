/**
 * ONNX export, layer by layer: each layer kind (and each option that changes its ONNX form) in a small model, its
 * file run by onnxruntime-node and compared with myelin's predictions to 1e-5 (relative to 1 + |value|). Weights
 * are random (moving statistics too), so no layer is checked at its trivial initial values.
 */
import * as my from '../../../lib/index';
import { onnxVsMyelin, randomizeWeights, stopOnnxWorker, uniform, type Array32 } from './run-onnx';

const TOL = 1e-5;
const BATCH = 3;

async function checkSequential(layers: my.layers.Layer[], inputShape: number[], feed?: Array32): Promise<number> {
  const model = my.sequential(layers);
  model.build(inputShape);
  randomizeWeights(model, 11);
  const diff = await onnxVsMyelin(model, [feed ?? uniform([BATCH, ...inputShape], 7, -2, 2)]);
  model.dispose();
  return diff;
}

const L = my.layers;

describe('ONNX export: each layer matches onnxruntime', () => {
  afterAll(stopOnnxWorker);

  const activations = ['linear', 'relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'swish', 'sigmoid', 'tanh', 'softplus', 'softmax'];

  test.each(activations)('dense with activation %s', async (activation) => {
    expect(await checkSequential([L.dense({ units: 4, activation })], [5])).toBeLessThan(TOL);
  });

  test.each(activations)('activation layer %s', async (activation) => {
    expect(await checkSequential([L.activation({ activation })], [6])).toBeLessThan(TOL);
  });

  test.each([
    ['leakyRelu default alpha 0.3', () => L.leakyRelu(), [6]],
    ['leakyRelu alpha 0.05 on rank-3 inputs', () => L.leakyRelu({ alpha: 0.05 }), [3, 4]],
  ] as const)('%s', async (_name, make, shape) => {
    expect(await checkSequential([make()], shape.slice())).toBeLessThan(TOL);
  });

  test('dense without bias, on rank-3 inputs', async () => {
    expect(await checkSequential([L.dense({ units: 3, useBias: false }), L.dense({ units: 2, activation: 'tanh' })], [4, 5])).toBeLessThan(TOL);
  });

  test.each([
    ['conv1d valid', () => L.conv1d({ filters: 3, kernelSize: 3 }), [9, 2]],
    ['conv1d same, stride 2, relu', () => L.conv1d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }), [9, 3]],
    ['conv1d dilation 2', () => L.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2 }), [10, 2]],
    ['conv2d valid', () => L.conv2d({ filters: 4, kernelSize: 3 }), [6, 5, 2]],
    ['conv2d same, strides [2, 1], softmax', () => L.conv2d({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'softmax' }), [7, 6, 2]],
    ['conv2d dilation 2, no bias', () => L.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, useBias: false }), [6, 6, 3]],
    ['depthwiseConv2d', () => L.depthwiseConv2d({ kernelSize: 3 }), [6, 5, 3]],
    ['depthwiseConv2d multiplier 2, same, stride 2, gelu', () => L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'gelu' }), [7, 6, 2]],
  ] as const)('%s', async (_name, make, shape) => {
    expect(await checkSequential([make()], shape.slice())).toBeLessThan(TOL);
  });

  test.each([
    ['maxPooling1d', () => L.maxPooling1d({ poolSize: 2 }), [7, 3]],
    ['maxPooling1d same, stride 2', () => L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [8, 2]],
    ['averagePooling1d same', () => L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [7, 2]],
    ['maxPooling2d', () => L.maxPooling2d({ poolSize: 2 }), [6, 5, 3]],
    ['maxPooling2d same, strides 1', () => L.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), [5, 4, 2]],
    ['averagePooling2d', () => L.averagePooling2d({ poolSize: [2, 3] }), [6, 6, 2]],
    ['averagePooling2d same, border windows', () => L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [6, 5, 2]],
    ['globalAveragePooling1d', () => L.globalAveragePooling1d(), [5, 3]],
    ['globalMaxPooling1d', () => L.globalMaxPooling1d(), [5, 3]],
    ['globalAveragePooling2d', () => L.globalAveragePooling2d(), [4, 3, 2]],
    ['globalMaxPooling2d', () => L.globalMaxPooling2d(), [4, 3, 2]],
  ] as const)('%s', async (_name, make, shape) => {
    expect(await checkSequential([make()], shape.slice())).toBeLessThan(TOL);
  });

  test.each([
    ['flatten', () => L.flatten(), [3, 2, 2]],
    ['reshape with -1', () => L.reshape({ targetShape: [2, -1] }), [3, 4]],
    ['permute', () => L.permute({ dims: [2, 3, 1] }), [2, 3, 4]],
    ['dropout', () => L.dropout({ rate: 0.5 }), [5]],
    ['spatialDropout1d', () => L.spatialDropout1d({ rate: 0.5 }), [4, 3]],
    ['spatialDropout2d', () => L.spatialDropout2d({ rate: 0.5 }), [3, 3, 2]],
    ['gaussianNoise', () => L.gaussianNoise({ stddev: 1 }), [5]],
    ['zeroPadding2d', () => L.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), [3, 2, 2]],
    ['upSampling2d nearest [2, 3]', () => L.upSampling2d({ size: [2, 3] }), [3, 2, 2]],
    ['upSampling2d bilinear', () => L.upSampling2d({ size: 2, interpolation: 'bilinear' }), [3, 4, 2]],
  ] as const)('%s', async (_name, make, shape) => {
    expect(await checkSequential([make()], shape.slice())).toBeLessThan(TOL);
  });

  test.each([
    ['batchNormalization axis -1', () => L.batchNormalization(), [4, 3]],
    ['batchNormalization axis 1 (channels first)', () => L.batchNormalization({ axis: 1 }), [3, 4, 2]],
    ['batchNormalization without scale and center', () => L.batchNormalization({ scale: false, center: false, epsilon: 0.01 }), [5]],
    ['layerNormalization', () => L.layerNormalization(), [4, 5]],
    ['layerNormalization over [-2, -1]', () => L.layerNormalization({ axis: [-2, -1], epsilon: 1e-5 }), [3, 4, 2]],
    ['layerNormalization over a middle axis, no center', () => L.layerNormalization({ axis: 1, center: false }), [4, 3]],
  ] as const)('%s', async (_name, make, shape) => {
    expect(await checkSequential([make()], shape.slice())).toBeLessThan(TOL);
  });

  test('embedding (float ids cast to int64)', async () => {
    const ids = { data: Float32Array.from([0, 3, 9, 1, 1, 2, 7, 0, 5, 4, 8, 6]), shape: [3, 4] };
    expect(await checkSequential([L.embedding({ inputDim: 10, outputDim: 3 }), L.flatten()], [4], ids)).toBeLessThan(TOL);
  });

  test.each([
    ['concatenate axis -1', () => L.concatenate(), 2],
    ['concatenate axis 1', () => L.concatenate({ axis: 1 }), 3],
    ['add of three', () => L.add(), 3],
    ['subtract', () => L.subtract(), 2],
    ['multiply of three', () => L.multiply(), 3],
    ['average', () => L.average(), 2],
    ['maximum of three', () => L.maximum(), 3],
    ['minimum', () => L.minimum(), 2],
  ] as const)('%s', async (_name, make, n) => {
    const inputs = Array.from({ length: n }, (_, i) => my.input({ shape: [2, 3], name: `in_${i}` }));
    const model = my.model({ inputs, outputs: make().apply(inputs) });
    const diff = await onnxVsMyelin(model, inputs.map((_, i) => uniform([BATCH, 2, 3], 20 + i, -2, 2)));
    expect(diff).toBeLessThan(TOL);
    model.dispose();
  });
});
