/**
 * `my.io.importTfjs` on bad or hostile tfjs models (artifacts from tfjs, then edited): every case is a
 * ModelFormatError naming the layer or file, raised before weights are allocated, never a crash.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as my from '../../../lib/index';
import { ModelFormatError } from '../../../lib/errors';
import { tfjsArtifacts, tfjsReady, writeTfjsFolder } from './tfjs-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tfjs-bad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Artifacts = tf.io.ModelArtifacts & { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
let base: Artifacts;

beforeAll(async () => {
  await tfjsReady();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu', name: 'first' }), tf.layers.dense({ units: 2, name: 'second' })] });
  base = await tfjsArtifacts(model) as Artifacts;
});

/** A deep copy of the base artifacts, edited by `edit`. */
function edited(edit: (a: Artifacts) => void): Artifacts {
  const a = { ...JSON.parse(JSON.stringify({ ...base, weightData: undefined })), weightData: (base.weightData as ArrayBuffer).slice(0) } as Artifacts;
  edit(a);
  return a;
}

const cases: [string, (a: Artifacts) => void, RegExp][] = [
  ['an unknown layer class', (a) => { a.modelTopology.config.layers[1].class_name = 'ConvLSTM2D'; }, /layer "second": unknown layer class "ConvLSTM2D"/],
  ['an activation myelin lacks', (a) => { a.modelTopology.config.layers[0].config.activation = 'selu'; }, /layer "first": activation "selu" is not one myelin has/],
  ['channels-first data', (a) => { a.modelTopology.config.layers[1].config.data_format = 'channels_first'; }, /layer "second": Dense option data_format = "channels_first" is not supported/],
  ['a constraint myelin lacks', (a) => { a.modelTopology.config.layers[0].config.kernel_constraint = { class_name: 'MinMaxNorm', config: {} }; }, /layer "first": kernelConstraint: the constraint "MinMaxNorm"/],
  ['a constraint option myelin lacks', (a) => { a.modelTopology.config.layers[0].config.bias_constraint = { class_name: 'MaxNorm', config: { rate: 1 } }; }, /layer "first": biasConstraint: option rate of MaxNorm/],
  ['a constraint on a weight myelin has none for', (a) => { a.modelTopology.config.layers[1].config.gamma_constraint = { class_name: 'NonNeg', config: {} }; }, /option gamma_constraint/],
  ['an option myelin has no place for', (a) => { a.modelTopology.config.layers[0].config.frobnicate = 1; }, /layer "first": Dense option frobnicate is not one myelin has/],
  ['a weight of another shape', (a) => { a.weightSpecs![0].shape = [3, 4]; }, /layer "first": weight first\/kernel has shape \[3, 4\], the layer needs \[4, 3\]/],
  ['a huge layer with small weights', (a) => { a.modelTopology.config.layers[0].config.units = 2 ** 28; }, /layer "first": weight first\/kernel has shape \[4, 3\], the layer needs \[4, 268435456\]/],
  ['a spec of more than 2^31 elements', (a) => { a.weightSpecs![0].shape = [65536, 65536]; }, /first\/kernel\): shape \[65536, 65536\] holds more than 2\^31 elements/],
  ['a missing weight', (a) => { a.weightSpecs = a.weightSpecs!.slice(1); }, /layer "first" needs the weight first\/kernel \[4, 3\]/],
  ['quantized weights', (a) => { (a.weightSpecs![0] as unknown as Record<string, unknown>).quantization = { dtype: 'uint8', scale: 1, min: 0 }; }, /quantized weights are not supported/],
  ['truncated weight data', (a) => { a.weightData = (a.weightData as ArrayBuffer).slice(0, 20); }, /the weights hold 20 bytes, the specs need 92/],
  ['a graph model', (a) => { a.format = 'graph-model'; }, /format "graph-model" is not a layers model/],
];

test.each(cases)('%s is a ModelFormatError naming it', async (_what, edit, message) => {
  const bad = edited(edit);
  await expect(my.io.importTfjs(bad as never)).rejects.toThrow(ModelFormatError);
  await expect(my.io.importTfjs(bad as never)).rejects.toThrow(message);
});

test('the constraints both sides have (MaxNorm, NonNeg, UnitNorm) are read, not refused', async () => {
  const good = edited((a) => {
    a.modelTopology.config.layers[0].config.kernel_constraint = { class_name: 'MaxNorm', config: { max_value: 1.5, axis: 0 } };
    a.modelTopology.config.layers[0].config.bias_constraint = { class_name: 'NonNeg', config: {} };
    a.modelTopology.config.layers[1].config.kernel_constraint = { class_name: 'UnitNorm', config: { axis: 0 } };
  });
  const model = await my.io.importTfjs(good as never);
  const [first, second] = model.layers.map((l) => l.getConfig());
  expect(first.kernelConstraint).toEqual({ className: 'MaxNorm', config: { maxValue: 1.5, axis: 0 } });
  expect(first.biasConstraint).toEqual({ className: 'NonNeg', config: {} });
  expect(second.kernelConstraint).toEqual({ className: 'UnitNorm', config: { axis: 0 } });
  model.dispose();
});

test('a folder: shards outside it, a shard larger than the specs, a link, or model.json that is not JSON', async () => {
  const dir = path.join(tmp, 'folder');
  writeTfjsFolder(dir, base);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const write = (j: unknown) => fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(j));
  write({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['../secret.bin'] }] });
  await expect(my.io.importTfjs(dir)).rejects.toThrow(/"\.\.\/secret\.bin" is not a file name inside the model's folder/);
  fs.writeFileSync(path.join(dir, 'big.bin'), new Uint8Array(92 + 4096));
  write({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['big.bin'] }] });
  await expect(my.io.importTfjs(dir)).rejects.toThrow(/big\.bin has 4188 bytes, more than the 92 allowed/);
  fs.symlinkSync(path.join(dir, 'weights.bin'), path.join(dir, 'link.bin'));
  write({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['link.bin'] }] });
  await expect(my.io.importTfjs(dir)).rejects.toThrow(/link\.bin is a symbolic link/);
  fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
  await expect(my.io.importTfjs(dir)).rejects.toThrow(/model\.json is not valid JSON/);
  await expect(my.io.importTfjs(42 as never)).rejects.toThrow(my.ValueError);
});
