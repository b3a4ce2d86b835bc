/**
 * `my.io.importTfjs`: models built and saved by @tensorflow/tfjs itself (artifacts captured with
 * `tf.io.withSaveHandler`, and the same written as a tfjs folder) load into myelin and predict what tfjs
 * predicts (to 1e-5), Sequential and functional; the result trains; myelin -> tfjs -> myelin is exact.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as my from '../../../lib/index';
import { maxDifference, tfjsArtifacts, tfjsReady, values, writeTfjsFolder } from './tfjs-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tfjs-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(tfjsReady);

const TOLERANCE = 1e-5;

/** Every weight of `model` set to seeded values (variances positive), so that no weight is left at its init. */
function randomize(model: tf.LayersModel, seed: number): void {
  model.setWeights(model.weights.map((w, i) => {
    const shape = w.shape as number[];
    const v = values(shape.reduce((p, d) => p * d, 1), seed + i);
    return tf.tensor(w.name.includes('moving_variance') ? v.map((x) => 0.5 + Math.abs(x)) : v, shape);
  }));
}

/** Imports `model` from its artifacts and from a folder; returns the largest difference with tfjs's predictions. */
async function importBoth(model: tf.LayersModel, inputs: number[][], shapes: number[][], name: string): Promise<{ diff: number; imported: my.Model }> {
  const artifacts = await tfjsArtifacts(model);
  const fromMemory = await my.io.importTfjs(artifacts);
  const dir = path.join(tmp, name);
  writeTfjsFolder(dir, artifacts);
  const fromFolder = await my.io.importTfjs(dir);
  const mineIn = inputs.map((v, i) => my.tensor(v, shapes[i]));
  const tfIn = inputs.map((v, i) => tf.tensor(v, shapes[i]));
  const theirs = model.predict(tfIn.length === 1 ? tfIn[0] : tfIn) as tf.Tensor | tf.Tensor[];
  const a = fromMemory.predict(mineIn.length === 1 ? mineIn[0] : mineIn) as my.Tensor | my.Tensor[];
  const b = fromFolder.predict(mineIn.length === 1 ? mineIn[0] : mineIn) as my.Tensor | my.Tensor[];
  return { diff: Math.max(maxDifference(a, theirs), maxDifference(b, theirs)), imported: fromMemory };
}

test('a tfjs Sequential MLP (default VarianceScaling initializers, batch normalization, dropout) imports and trains', async () => {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 12, activation: 'relu', inputShape: [4], kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }),
    tf.layers.batchNormalization(),
    tf.layers.dropout({ rate: 0.25 }),
    tf.layers.dense({ units: 6, activation: 'tanh' }),
    tf.layers.activation({ activation: 'sigmoid' }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  randomize(model, 1);
  const { diff, imported } = await importBoth(model, [values(16 * 4, 2)], [[16, 4]], 'mlp');
  expect(diff).toBeLessThan(TOLERANCE);
  expect(imported).toBeInstanceOf(my.Sequential);
  expect(imported.getConfig().layers[0].config.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 1e-3 } });
  // Trainable: iris, standardized, 30 epochs from the tfjs weights.
  const iris = my.data.loadDataset('iris');
  const x = new my.scalers.StandardScaler().fitTransform(iris.x);
  imported.compile({ optimizer: my.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await imported.fit(x, iris.y, { epochs: 30, batchSize: 16, verbose: 0, seed: 1 });
  const loss = history.history.loss as number[];
  expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.5);
  expect((imported.evaluate(x, iris.y) as number[])[1]).toBeGreaterThan(0.9);
});

test('a tfjs CNN (conv2d, depthwise, pooling, padding, upsampling, global pooling) imports with the same predictions', async () => {
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.zeroPadding2d({ padding: 1 }),
    tf.layers.upSampling2d({ size: [2, 2] }),
    tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
    tf.layers.conv2d({ filters: 3, kernelSize: 2, dilationRate: 2 }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 2 }),
  ] });
  randomize(model, 10);
  expect((await importBoth(model, [values(3 * 8 * 8 * 2, 11)], [[3, 8, 8, 2]], 'cnn')).diff).toBeLessThan(TOLERANCE);
  const flat = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 2, strides: 2 }),
    tf.layers.globalMaxPooling2d({}),
  ] });
  randomize(flat, 12);
  expect((await importBoth(flat, [values(2 * 25, 13)], [[2, 5, 5, 1]], 'gmp')).diff).toBeLessThan(TOLERANCE);
});

test('a tfjs sequence model (embedding, layer normalization, conv1d, 1D pooling, permute, reshape, flatten) imports', async () => {
  const model = tf.sequential({ layers: [
    tf.layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 6 }),
    tf.layers.layerNormalization(),
    tf.layers.conv1d({ filters: 3, kernelSize: 2, activation: 'elu' }),
    tf.layers.maxPooling1d({ poolSize: 2 }),
    tf.layers.permute({ dims: [2, 1] }),
    tf.layers.reshape({ targetShape: [2, 3] }),
    tf.layers.averagePooling1d({ poolSize: 1 }),
    tf.layers.globalMaxPooling1d({}),
    tf.layers.gaussianNoise({ stddev: 0.5 }),
    tf.layers.dense({ units: 2, activation: 'softplus' }),
  ] });
  randomize(model, 20);
  const ids = values(5 * 6, 21).map((v) => Math.floor((v + 1) * 4.5));
  expect((await importBoth(model, [ids], [[5, 6]], 'seq')).diff).toBeLessThan(TOLERANCE);
  const flat = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [3, 2] }), tf.layers.reshape({ targetShape: [6, 1] }), tf.layers.globalAveragePooling1d({})] });
  expect((await importBoth(flat, [values(2 * 6, 22)], [[2, 3, 2]], 'flat')).diff).toBeLessThan(TOLERANCE);
});

test('a tfjs functional model (two inputs, merge layers, two outputs) imports as a graph model', async () => {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [4], name: 'b' });
  const ha = tf.layers.dense({ units: 3, activation: 'relu', name: 'ha' }).apply(a) as tf.SymbolicTensor;
  const hb = tf.layers.dense({ units: 3, name: 'hb' }).apply(b) as tf.SymbolicTensor;
  const merged = [tf.layers.add(), tf.layers.multiply(), tf.layers.average(), tf.layers.maximum(), tf.layers.minimum()]
    .map((l) => l.apply([ha, hb]) as tf.SymbolicTensor);
  const joined = tf.layers.concatenate({ axis: -1 }).apply(merged) as tf.SymbolicTensor;
  const out1 = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out1' }).apply(joined) as tf.SymbolicTensor;
  const out2 = tf.layers.dense({ units: 1, name: 'out2' }).apply(hb) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [out1, out2] });
  randomize(model, 30);
  const { diff, imported } = await importBoth(model, [values(5 * 4, 31), values(5 * 4, 32)], [[5, 4], [5, 4]], 'functional');
  expect(diff).toBeLessThan(TOLERANCE);
  expect((imported.getConfig() as my.GraphModelConfig).className).toBe('Functional');
  expect(imported.inputNames).toEqual(['a', 'b']);
});

test('myelin -> tfjs folder -> myelin gives the same predictions exactly', async () => {
  my.setSeed(5);
  const model = my.sequential([
    my.layers.conv1d({ inputShape: [6, 2], filters: 3, kernelSize: 3, activation: 'relu', name: 'c' }),
    my.layers.batchNormalization({ name: 'bn' }),
    my.layers.flatten({ name: 'f' }),
    my.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: 'heNormal', name: 'd' }),
  ]);
  const dir = path.join(tmp, 'round-trip');
  await my.io.exportTfjs(model, dir);
  const again = await my.io.importTfjs<my.Sequential>(dir);
  expect(again.getConfig().layers.map((l) => l.className)).toEqual(['Conv1D', 'BatchNormalization', 'Flatten', 'Dense']);
  expect(again.getConfig().layers[3].config.kernelInitializer).toEqual({ className: 'HeNormal', config: { seed: null } });
  const x = my.tensor(values(4 * 12, 6), [4, 6, 2]);
  expect(Array.from(again.predict(x).dataSync())).toEqual(Array.from(model.predict(x).dataSync()));
});
