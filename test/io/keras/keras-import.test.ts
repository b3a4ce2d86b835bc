/**
 * `my.io.importKeras` on `.keras` files written by Keras 3.15 itself (test/fixtures/keras/make_fixtures.py, torch
 * backend): the imported model predicts what Keras predicted on the same inputs (expected.json) to 1e-5, for
 * Sequential and functional models; it also loads from bytes and trains on.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../../lib/index';
import { difference, fixtureConfig, kerasExpected, rebuiltKeras } from './keras-helpers';

const DIR = path.join(__dirname, '../../fixtures/keras');
const TOLERANCE = 1e-5;

const expected = kerasExpected();

test('the fixtures were written by Keras 3', () => {
  expect(expected.keras_version).toMatch(/^3\./);
});

test.each([
  ['mlp', 'Sequential: dense, dropout, batch normalization, activation layer, softmax', 'Sequential'],
  ['cnn2d', 'Sequential: conv2d (same, strided, no bias), max and average pooling 2D, batch normalization, flatten', 'Sequential'],
  ['cnn1d', 'Sequential: conv1d (dilated, same), max pooling 1D, global average pooling, elu, gelu, softplus', 'Sequential'],
  ['branches', 'functional: two branches, add, concatenate, layer normalization', 'Functional'],
  ['attention', 'functional: embedding, multi-head attention, residual add, layer normalization, pooling', 'Functional'],
  ['causal', 'functional: multi-head attention with a key keyword, a causal mask, value_dim and output_shape', 'Functional'],
  ['two_io', 'functional: two inputs, two outputs, trained in Keras (optimizer state in the file, not read)', 'Functional'],
  ['zoo', 'functional: zero padding, depthwise conv, leaky relu, spatial dropout 1D/2D, upsampling, silu, every merge, reshape, permute, noise, global max pooling', 'Functional'],
])('%s (%s) predicts what Keras predicted', async (name, _what, kind) => {
  const model = await my.io.importKeras(path.join(DIR, `${name}.keras`));
  try {
    expect(model.constructor.name).toBe(kind);
    expect(difference(model, expected.models[name])).toBeLessThan(TOLERANCE);
  } finally {
    model.dispose();
  }
});

test('a deflated archive and bytes in memory (Buffer, Uint8Array, ArrayBuffer) import the same model', async () => {
  const bytes = fs.readFileSync(path.join(DIR, 'mlp_deflate.keras'));
  const copy = new Uint8Array(bytes);
  for (const from of [path.join(DIR, 'mlp_deflate.keras'), bytes, copy, copy.buffer]) {
    const model = await my.io.importKeras(from);
    expect(difference(model, expected.models.mlp)).toBeLessThan(TOLERANCE);
    model.dispose();
  }
});

test('the causal mask and the key keyword of MultiHeadAttention are carried: without them the predictions differ', async () => {
  for (const drop of ['use_causal_mask', 'key']) {
    const doc = fixtureConfig('causal');
    const mha = doc.config.layers.find((l: { name: string }) => l.name === 'mha');
    delete mha.inbound_nodes[0].kwargs[drop];
    const model = await my.io.importKeras(rebuiltKeras('causal', { 'config.json': doc }));
    expect(difference(model, expected.models.causal)).toBeGreaterThan(1e-3);
    model.dispose();
  }
});

test('a Sequential config without an InputLayer takes its input shape from build_input_shape', async () => {
  const doc = fixtureConfig('mlp');
  const input = doc.config.layers.shift();
  doc.config.build_input_shape = input.config.batch_shape;
  const model = await my.io.importKeras(rebuiltKeras('mlp', { 'config.json': doc }));
  expect(difference(model, expected.models.mlp)).toBeLessThan(TOLERANCE);
  model.dispose();
});

test('the imported model keeps layer names and trains on', async () => {
  const model = await my.io.importKeras<my.Sequential>(path.join(DIR, 'mlp.keras'));
  expect(model.layers.map((l) => l.name)).toEqual(['hidden', 'dropout', 'batch_normalization', 'dense', 'activation', 'probs']);
  const e = expected.models.mlp;
  const x = my.tensor(e.input, e.input_shape);
  const y = my.tensor([0, 1, 2], [3]);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy' });
  const before = model.evaluate(x, y) as number;
  await model.fit(x, y, { epochs: 40, batchSize: 3, verbose: 0, seed: 1 });
  expect(model.evaluate(x, y) as number).toBeLessThan(before * 0.5);
  x.dispose();
  y.dispose();
  model.dispose();
});
