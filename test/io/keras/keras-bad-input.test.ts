/**
 * `my.io.importKeras` on hostile and broken `.keras` files, built from files Keras wrote with one thing changed:
 * each gives a ModelFormatError that names the problem (and the layer), never a crash or a huge allocation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../../lib/index';
import { importH5wasm } from '../../../lib/io/keras/h5wasm-load';
import { withHdf5 } from '../../../lib/io/keras/import-keras';
import { KERAS_FIXTURES, fixtureConfig, fixtureEntries, rebuiltKeras } from './keras-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-keras-bad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function failure(from: Parameters<typeof my.io.importKeras>[0], options?: my.io.KerasImportOptions): Promise<string> {
  const err = await my.io.importKeras(from, options).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(my.ModelFormatError);
  return (err as Error).message;
}

/** The mlp fixture's config with `edit` applied to its layer `name`'s config. */
function mlpWith(name: string, edit: (cfg: Record<string, unknown>, entry: Record<string, unknown>) => void): Uint8Array {
  const doc = fixtureConfig('mlp');
  const entry = doc.config.layers.find((l: { config: { name: string } }) => l.config.name === name);
  edit(entry.config, entry);
  return rebuiltKeras('mlp', { 'config.json': doc });
}

test('a bad argument is a ValueError; a missing file, a folder or a non-zip is a ModelFormatError', async () => {
  await expect(my.io.importKeras(42 as never)).rejects.toThrow(my.ValueError);
  await expect(my.io.importKeras('')).rejects.toThrow(my.ValueError);
  await expect(my.io.importKeras(path.join(KERAS_FIXTURES, 'mlp.keras'), { maxBytes: -1 })).rejects.toThrow(my.ValueError);
  expect(await failure(path.join(tmp, 'none.keras'))).toMatch(/cannot read Keras model file/);
  expect(await failure(tmp)).toMatch(/not a regular file/);
  expect(await failure(new TextEncoder().encode('{"class_name": "Sequential"}'))).toMatch(/no zip end record/);
});

test('a truncated file, and a file larger than maxBytes', async () => {
  const bytes = fs.readFileSync(path.join(KERAS_FIXTURES, 'mlp.keras'));
  expect(await failure(bytes.subarray(0, bytes.length - 100))).toMatch(/end record|truncated/);
  expect(await failure(path.join(KERAS_FIXTURES, 'mlp.keras'), { maxBytes: 1000 })).toMatch(/more than the 1000 allowed/);
  expect(await failure(bytes, { maxBytes: 1000 })).toMatch(/more than the 1000 allowed/);
});

test('missing entries, a Keras 2 file, and config.json that is not JSON, too deep or not a model', async () => {
  expect(await failure(rebuiltKeras('mlp', { 'config.json': undefined }))).toMatch(/has no config.json/);
  expect(await failure(rebuiltKeras('mlp', { 'model.weights.h5': undefined }))).toMatch(/has no model.weights.h5/);
  expect(await failure(rebuiltKeras('mlp', { 'metadata.json': { keras_version: '2.15.0' } }))).toMatch(/written by Keras 2.15.0; myelin reads the .keras files of Keras 3/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': '{"class_name": ' }))).toMatch(/config.json: not valid JSON/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': new Uint8Array([0xff, 0xfe]) }))).toMatch(/config.json is not valid UTF-8/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': '['.repeat(100) + ']'.repeat(100) }))).toMatch(/nested deeper than 64/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': { class_name: 'Sequential', config: { layers: 3 } } }))).toMatch(/config.layers must be a list/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': { class_name: 'Transformer', config: { layers: [] } } }))).toMatch(/must be Sequential, Model or Functional/);
  expect(await failure(rebuiltKeras('mlp', { 'model.weights.h5': 'not an HDF5 file at all' }))).toMatch(/model.weights.h5 is not a readable HDF5 file/);
  expect(await failure(rebuiltKeras('mlp', { 'config.json': ' '.repeat(9 << 20) }))).toMatch(/entry "config.json" declares 9437184 bytes, more than the 8388608 allowed/);
  expect(await failure(rebuiltKeras('mlp', { 'metadata.json': ' '.repeat(100000) }))).toMatch(/entry "metadata.json" declares 100000 bytes, more than the 65536 allowed/);
});

test('an unknown layer class, an unsupported option or activation names the layer', async () => {
  expect(await failure(mlpWith('hidden', (_c, e) => { e.class_name = 'Quantum'; }))).toMatch(/layer "hidden": unknown layer class "Quantum"/);
  expect(await failure(mlpWith('hidden', (c) => { c.activation = 'hard_sigmoid'; }))).toMatch(/layer "hidden": activation "hard_sigmoid" is not one myelin has/);
  expect(await failure(mlpWith('hidden', (c) => { c.lora_rank = 4; }))).toMatch(/layer "hidden": Dense option lora_rank = 4 is not supported/);
  expect(await failure(mlpWith('hidden', (c) => { c.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' } }; })))
    .toMatch(/layer "hidden": Dense option dtype = "mixed_float16" is not supported/);
  expect(await failure(mlpWith('batch_normalization', (c) => { c.renorm = true; }))).toMatch(/layer "batch_normalization": BatchNormalization option renorm = true is not supported/);
  expect(await failure(mlpWith('hidden', (c) => { c.magic = 1; }))).toMatch(/layer "hidden": Dense option magic is not one myelin has/);
});

test('weights of the wrong shape, missing or extra name the layer', async () => {
  // The config says 7 units where the file holds 8: the kernel [4, 8] does not fit.
  expect(await failure(mlpWith('hidden', (c) => { c.units = 7; }))).toMatch(/layer "hidden": layers\/dense\/vars\/0 has shape \[4, 8\], the layer needs hidden\/kernel \[4, 7\]/);
  expect(await failure(mlpWith('hidden', (c) => { c.use_bias = false; }))).toMatch(/layer "hidden" \(Dense\) has 2 weights in the file, myelin's layer has 1/);
  // The mlp's architecture with the weights of another model.
  const swapped = rebuiltKeras('mlp', { 'model.weights.h5': fixtureEntries('cnn1d').get('model.weights.h5')! });
  expect(await failure(swapped)).toMatch(/layer "(hidden|dense|probs|batch_normalization)"/);
  // A layer renamed in the config: its weights are found by Keras's numbered class name, and shapes still match.
  const renamed = await my.io.importKeras(mlpWith('hidden', (c) => { c.name = 'first'; }));
  expect(renamed.weights.map((w) => w.name)).toContain('first/kernel');
  renamed.dispose();
});

test('functional models: a call on a constant, an unknown call argument, a dangling reference', async () => {
  const edit = (f: (layers: Array<Record<string, any>>) => void): Uint8Array => {
    const doc = fixtureConfig('branches');
    f(doc.config.layers);
    return rebuiltKeras('branches', { 'config.json': doc });
  };
  const left = (layers: Array<Record<string, any>>): Record<string, any> => layers.find((l) => l.name === 'left')!;
  expect(await failure(edit((ls) => { left(ls).inbound_nodes[0].args = [3]; }))).toMatch(/layer "left": call argument 3 is not a tensor/);
  expect(await failure(edit((ls) => { left(ls).inbound_nodes[0].kwargs = { scale: 2 }; }))).toMatch(/layer "left": call argument scale = 2 is not supported/);
  expect(await failure(edit((ls) => { left(ls).inbound_nodes[0].args[0].config.keras_history = ['ghost', 0, 0]; }))).toMatch(/ghost/);
  expect(await failure(edit((ls) => { left(ls).inbound_nodes = [{}]; }))).toMatch(/layer "left": an inbound node must be \{ args, kwargs \}/);
});

test('a missing h5wasm is a DependencyError that says how to install it', async () => {
  const err = await importH5wasm('h5wasm-that-is-not-installed/node').then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(my.DependencyError);
  expect((err as my.DependencyError).packageName).toBe('h5wasm');
  expect((err as Error).message).toMatch(/needs the optional package h5wasm .* run `npm install h5wasm`/);
});

test('a temporary folder that cannot be made is an IOError naming it', async () => {
  const missing = path.join(tmp, 'no-such-folder');
  const h5 = await importH5wasm();
  const err = await withHdf5(h5, new Uint8Array(8), 'x.keras', () => 1, missing).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(my.IOError);
  expect((err as my.IOError).code).toBe('ENOENT');
  expect((err as Error).message).toMatch(/importKeras: cannot create a temporary folder in .*no-such-folder/);
  // And the folder of a readable file is removed afterwards.
  const before = fs.readdirSync(tmp).length;
  const bytes = fixtureEntries('mlp').get('model.weights.h5')!;
  expect(await withHdf5(h5, bytes, 'mlp.keras', (root) => root.keys(), tmp)).toEqual(['layers', 'vars']);
  expect(fs.readdirSync(tmp).length).toBe(before);
});
