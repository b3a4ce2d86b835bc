/**
 * model.weights.h5 in Keras 3's layout, rewritten with h5wasm from files Keras wrote with one dataset or group
 * changed: each change is a ModelFormatError naming the layer and the HDF5 path, and the layer lookup without
 * the `name` attributes (by Keras's numbered class names) finds the same weights.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../../lib/index';
import { KERAS_FIXTURES, fixtureEntries, rebuiltKeras, rewriteH5, type H5Data } from './keras-helpers';

const expected = JSON.parse(fs.readFileSync(path.join(KERAS_FIXTURES, 'expected.json'), 'utf8')).models;

async function withH5(name: string, edits: Record<string, H5Data | null>, dropNames = false, renames: Record<string, string> = {}): Promise<Uint8Array> {
  const h5 = await rewriteH5(fixtureEntries(name).get('model.weights.h5')!, edits, dropNames, renames);
  return rebuiltKeras(name, { 'model.weights.h5': h5 });
}

async function failure(bytes: Uint8Array): Promise<string> {
  const err = await my.io.importKeras(bytes).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(my.ModelFormatError);
  return (err as Error).message;
}

const f32 = (shape: number[]): H5Data => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, dtype: '<f' });

test('a copy without edits imports and predicts as the original; so does one without name attributes', async () => {
  for (const drop of [false, true]) {
    for (const name of ['mlp', 'attention']) {
      const model = await my.io.importKeras(await withH5(name, {}, drop));
      const e = expected[name];
      const y = model.predict(my.tensor(e.input, e.input_shape)) as my.Tensor;
      const got = y.dataSync();
      e.output.forEach((v: number, i: number) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5));
      y.dispose();
      model.dispose();
    }
  }
});

test('layers are found by the name attribute of vars before the numbered class name', async () => {
  // dense and dense_1 swapped: the name attributes still say which is which.
  const swapped = await withH5('mlp', {}, false, { 'layers/dense': 'dense_1', 'layers/dense_1': 'dense' });
  const model = await my.io.importKeras(swapped);
  model.dispose();
  // Without the attributes, the numbered names point at the wrong layers and the shapes disagree.
  expect(await failure(await withH5('mlp', {}, true, { 'layers/dense': 'dense_1', 'layers/dense_1': 'dense' })))
    .toMatch(/layer "hidden": layers\/dense\/vars\/0 has shape \[8, 5\], the layer needs hidden\/kernel \[4, 8\]/);
});

test('a dataset of another shape or type, an extra or missing one', async () => {
  expect(await failure(await withH5('mlp', { 'layers/dense/vars/0': f32([8, 4]) })))
    .toMatch(/layer "hidden": layers\/dense\/vars\/0 has shape \[8, 4\], the layer needs hidden\/kernel \[4, 8\]/);
  expect(await failure(await withH5('mlp', { 'layers/dense/vars/1': { data: new Float64Array(8), shape: [8], dtype: '<d' } })))
    .toMatch(/layer "hidden": layers\/dense\/vars\/1 is not float32 \(HDF5 type class 1, 8 bytes\)/);
  expect(await failure(await withH5('mlp', { 'layers/dense/vars/2': f32([3]) }))).toMatch(/layer "hidden" \(Dense\) has 3 weights in the file, myelin's layer has 2/);
  expect(await failure(await withH5('mlp', { 'layers/dense/vars/1': null }))).toMatch(/layer "hidden" \(Dense\) has 1 weights in the file/);
  expect(await failure(await withH5('mlp', { 'layers/dense/vars/0': { data: new Float32Array(1), shape: [], dtype: '<f' } }))).toMatch(/has shape \[(scalar)?\]/);
});

test('a dataset declaring 2^31 x 8 floats in a small file is refused by its shape, before any data is read', async () => {
  const bytes = await withH5('mlp', { 'layers/dense/vars/0': { ...f32([4, 8]), resizeTo: [2 ** 31, 8] } });
  expect(bytes.length).toBeLessThan(1 << 20);
  expect(await failure(bytes)).toMatch(/layer "hidden": layers\/dense\/vars\/0 has shape \[2147483648, 8\], the layer needs hidden\/kernel \[4, 8\]/);
});

test('weights no layer owns, a missing layer group, a missing attention sublayer', async () => {
  expect(await failure(await withH5('mlp', { 'layers/conv2d/vars/0': f32([2, 2]) }))).toMatch(/layers\/conv2d holds weights of no layer of the model/);
  expect(await failure(await withH5('mlp', { 'layers/dense_2': null }, true))).toMatch(/layer "probs" needs 2 weights, but the file has no group layers\/dense_2/);
  expect(await failure(await withH5('attention', { 'layers/multi_head_attention/key_dense': null }))).toMatch(/layer "mha": the file has no layers\/multi_head_attention\/key_dense/);
  expect(await failure(await withH5('attention', { 'layers/multi_head_attention/gate_dense/vars/0': f32([8]) })))
    .toMatch(/layer "mha": layers\/multi_head_attention\/gate_dense holds weights that myelin's MultiHeadAttention does not have/);
});
