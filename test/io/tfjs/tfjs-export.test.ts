/**
 * `my.io.exportTfjs`: the folder it writes is read by `tf.loadLayersModel` of @tensorflow/tfjs, which then
 * predicts what the myelin model predicts (to 1e-5), for Sequential and functional models over every layer
 * both libraries have; and layers or activations tfjs lacks are refused by name.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as my from '../../../lib/index';
import { ModelFormatError } from '../../../lib/errors';
import { folderHandler, maxDifference, tfjsReady, values } from './tfjs-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tfjs-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(tfjsReady);

const TOLERANCE = 1e-5;

/** Exports `model`, loads the folder with tfjs, predicts `inputs` with both; returns the largest difference. */
async function roundTrip(model: my.Model, inputs: number[][], shapes: number[][], name: string): Promise<number> {
  const dir = path.join(tmp, name);
  await my.io.exportTfjs(model, dir);
  expect(fs.readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  expect(json.format).toBe('layers-model');
  expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name).length).toBe(model.weights.length);
  const theirs = await tf.loadLayersModel(folderHandler(dir));
  const mineIn = inputs.map((v, i) => my.tensor(v, shapes[i]));
  const tfIn = inputs.map((v, i) => tf.tensor(v, shapes[i]));
  const mine = model.predict(mineIn.length === 1 ? mineIn[0] : mineIn) as my.Tensor | my.Tensor[];
  const out = theirs.predict(tfIn.length === 1 ? tfIn[0] : tfIn) as tf.Tensor | tf.Tensor[];
  return maxDifference(mine, out);
}

test('a trained Sequential MLP (dense, batch normalization, dropout, activations) predicts the same in tfjs', async () => {
  my.setSeed(1);
  const model = my.sequential([
    my.layers.dense({ units: 16, activation: 'relu', inputShape: [6], kernelRegularizer: my.regularizers.l2({ l2: 1e-4 }), name: 'd1' }),
    my.layers.batchNormalization({ name: 'bn' }),
    my.layers.dropout({ rate: 0.3, name: 'drop' }),
    my.layers.dense({ units: 8, activation: 'gelu', name: 'd2' }),
    my.layers.dense({ units: 8, activation: 'silu', name: 'd3' }),
    my.layers.dense({ units: 8, activation: 'elu', name: 'd4' }),
    my.layers.dense({ units: 8, activation: 'softplus', name: 'd5' }),
    my.layers.activation({ activation: 'tanh', name: 'act' }),
    my.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const x = my.tensor(values(64 * 6, 2), [64, 6]);
  const y = my.tensor(values(64, 3).map((v) => (v > 0.3 ? 2 : v > -0.3 ? 1 : 0)), [64, 1]);
  await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  expect(await roundTrip(model, [values(10 * 6, 4)], [[10, 6]], 'mlp')).toBeLessThan(TOLERANCE);
});

test('a Sequential CNN (conv2d, depthwise, pooling, padding, upsampling, global pooling) predicts the same in tfjs', async () => {
  my.setSeed(2);
  const model = my.sequential([
    my.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
    my.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }),
    my.layers.maxPooling2d({ poolSize: 2, name: 'mp' }),
    my.layers.zeroPadding2d({ padding: 1, name: 'zp' }),
    my.layers.upSampling2d({ size: 2, name: 'up' }),
    my.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, dilationRate: 1, name: 'c2' }),
    my.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'ap' }),
    my.layers.batchNormalization({ name: 'bn' }),
    my.layers.flatten({ name: 'flat' }),
    my.layers.dense({ units: 4, name: 'head' }),
  ]);
  expect(await roundTrip(model, [values(3 * 8 * 8 * 3, 5)], [[3, 8, 8, 3]], 'cnn')).toBeLessThan(TOLERANCE);
  const pooled = my.sequential([
    my.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, name: 'c' }),
    my.layers.globalMaxPooling2d({ name: 'gmp' }),
  ]);
  expect(await roundTrip(pooled, [values(2 * 6 * 6 * 2, 6)], [[2, 6, 6, 2]], 'gmp')).toBeLessThan(TOLERANCE);
  const averaged = my.sequential([my.layers.globalAveragePooling2d({ inputShape: [4, 4, 3], name: 'gap' })]);
  expect(await roundTrip(averaged, [values(2 * 4 * 4 * 3, 7)], [[2, 4, 4, 3]], 'gap')).toBeLessThan(TOLERANCE);
});

test('a sequence model (embedding, layer normalization, conv1d, 1D pooling, permute, reshape, noise) predicts the same', async () => {
  my.setSeed(3);
  const model = my.sequential([
    my.layers.embedding({ inputDim: 11, outputDim: 6, inputLength: 8, name: 'emb' }),
    my.layers.layerNormalization({ name: 'ln' }),
    my.layers.conv1d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
    my.layers.maxPooling1d({ poolSize: 2, name: 'mp' }),
    my.layers.spatialDropout1d({ rate: 0.2, name: 'sd' }),
    my.layers.averagePooling1d({ poolSize: 2, name: 'ap' }),
    my.layers.permute({ dims: [2, 1], name: 'perm' }),
    my.layers.reshape({ targetShape: [10], name: 'rs' }),
    my.layers.gaussianNoise({ stddev: 0.1, name: 'noise' }),
    my.layers.dense({ units: 2, name: 'head' }),
  ]);
  const ids = values(4 * 8, 8).map((v) => Math.floor((v + 1) * 5.5));
  expect(await roundTrip(model, [ids], [[4, 8]], 'seq')).toBeLessThan(TOLERANCE);
  const pooled = my.sequential([my.layers.globalAveragePooling1d({ inputShape: [5, 3], name: 'g1' })]);
  expect(await roundTrip(pooled, [values(2 * 15, 9)], [[2, 5, 3]], 'gap1')).toBeLessThan(TOLERANCE);
  const maxed = my.sequential([my.layers.globalMaxPooling1d({ inputShape: [5, 3], name: 'g2' })]);
  expect(await roundTrip(maxed, [values(2 * 15, 10)], [[2, 5, 3]], 'gmp1')).toBeLessThan(TOLERANCE);
});

test('a functional model with two inputs, every merge layer and two outputs predicts the same in tfjs', async () => {
  my.setSeed(4);
  const a = my.input({ shape: [5], name: 'a' });
  const b = my.input({ shape: [3], name: 'b' });
  const dense = (units: number, name: string, activation = 'linear') => my.layers.dense({ units, name, activation: activation as 'linear' });
  const ha = dense(4, 'ha', 'relu').apply(a) as my.SymbolicTensor;
  const hb = dense(4, 'hb', 'tanh').apply(b) as my.SymbolicTensor;
  const merged = [
    my.layers.add({ name: 'add' }), my.layers.multiply({ name: 'mul' }),
    my.layers.average({ name: 'avg' }), my.layers.maximum({ name: 'max' }), my.layers.minimum({ name: 'min' }),
  ].map((l) => l.apply([ha, hb]) as my.SymbolicTensor);
  const joined = my.layers.concatenate({ axis: -1, name: 'cat' }).apply(merged) as my.SymbolicTensor;
  const cls = dense(3, 'cls', 'softmax').apply(joined) as my.SymbolicTensor;
  const reg = dense(1, 'reg').apply(dense(2, 'pre', 'sigmoid').apply(joined) as my.SymbolicTensor) as my.SymbolicTensor;
  const model = my.model({ inputs: [a, b], outputs: [cls, reg], name: 'two_heads' });
  expect(await roundTrip(model, [values(6 * 5, 11), values(6 * 3, 12)], [[6, 5], [6, 3]], 'functional')).toBeLessThan(TOLERANCE);
});

test('layers, activations and nested models tfjs lacks are a ModelFormatError naming the layer; an unbuilt model a ValueError', async () => {
  const spatial = my.sequential([my.layers.spatialDropout2d({ inputShape: [4, 4, 2], rate: 0.1, name: 'sd2' })]);
  await expect(my.io.exportTfjs(spatial, path.join(tmp, 'sd2'))).rejects.toThrow(ModelFormatError);
  await expect(my.io.exportTfjs(spatial, path.join(tmp, 'sd2'))).rejects.toThrow(/layer "sd2": TensorFlow\.js has no layer SpatialDropout2D/);
  const leaky = my.sequential([my.layers.dense({ units: 2, activation: 'leakyRelu', inputShape: [3], name: 'lk' })]);
  expect(() => my.io.toTfjsArtifacts(leaky)).toThrow(/layer "lk": activation "leakyRelu" has no TensorFlow\.js equivalent/);
  const p = my.input({ shape: [2], name: 'p' });
  const q = my.input({ shape: [2], name: 'q' });
  const diff = my.model({ inputs: [p, q], outputs: my.layers.subtract({ name: 'diff' }).apply([p, q]) as my.SymbolicTensor });
  expect(() => my.io.toTfjsArtifacts(diff)).toThrow(/layer "diff": TensorFlow\.js has no layer Subtract/);
  const inner = my.sequential([my.layers.dense({ units: 2, inputShape: [3], name: 'in_d' })]);
  const x = my.input({ shape: [3], name: 'x' });
  const outer = my.model({ inputs: x, outputs: inner.apply(x) as my.SymbolicTensor, name: 'outer' });
  expect(() => my.io.toTfjsArtifacts(outer)).toThrow(/layer "[^"]+": a model used as a layer \(Sequential\) is not supported/);
  const mixed = my.sequential([my.layers.dense({ units: 2, inputShape: [3], name: 'bf', dtype: 'mixed_bfloat16' })]);
  expect(() => my.io.toTfjsArtifacts(mixed)).toThrow(/layer "bf": the layer computes under the "mixed_bfloat16" policy, which TensorFlow\.js cannot hold/);
  const unbuilt = my.sequential([my.layers.dense({ units: 2 })]);
  expect(() => my.io.toTfjsArtifacts(unbuilt)).toThrow(my.ValueError);
  expect(fs.existsSync(path.join(tmp, 'sd2'))).toBe(false);
});
