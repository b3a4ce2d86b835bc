/**
 * The recurrent layers in the TensorFlow.js layers format: a myelin model with SimpleRNN, LSTM, GRU, Masking and
 * Bidirectional exported by `my.io.exportTfjs` is read by `tf.loadLayersModel` of @tensorflow/tfjs, which predicts
 * what myelin predicts (to 1e-5), and `my.io.importTfjs` reads it back unchanged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as my from '../../../lib/index';
import { folderHandler, maxDifference, tfjsArtifacts, tfjsReady, values, writeTfjsFolder } from './tfjs-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tfjs-rnn-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(tfjsReady);

const TOLERANCE = 1e-5;

/** Exports `model`, predicts `x` [shape] with tfjs and with the re-imported model; the two largest differences. */
async function roundTrip(model: my.Model, x: number[], shape: number[], name: string): Promise<{ tfjs: number; back: number }> {
  const dir = path.join(tmp, name);
  await my.io.exportTfjs(model, dir);
  const theirs = await tf.loadLayersModel(folderHandler(dir));
  const back = await my.io.importTfjs(dir);
  const mine = model.predict(my.tensor(x, shape)) as my.Tensor;
  const again = back.predict(my.tensor(x, shape)) as my.Tensor;
  const tfOut = theirs.predict(tf.tensor(x, shape)) as tf.Tensor;
  const a = mine.dataSync(), b = again.dataSync();
  const result = { tfjs: maxDifference(mine, tfOut), back: Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) };
  back.dispose();
  return result;
}

test('a Sequential LSTM and SimpleRNN model (sequences, go_backwards) predicts the same in tfjs and back', async () => {
  my.setSeed(3);
  const model = my.sequential([
    my.layers.lstm({ units: 5, returnSequences: true, inputShape: [6, 3], name: 'lstm' }),
    my.layers.lstm({ units: 4, returnSequences: true, goBackwards: true, recurrentActivation: 'tanh', unitForgetBias: false, name: 'lstm2' }),
    my.layers.simpleRnn({ units: 3, goBackwards: true, name: 'rnn' }),
    my.layers.dense({ units: 2, name: 'out' }),
  ]);
  const d = await roundTrip(model, values(4 * 6 * 3, 5), [4, 6, 3], 'seq');
  expect(d.tfjs).toBeLessThan(TOLERANCE);
  expect(d.back).toBe(0);
  model.dispose();
});

test('Masking and Bidirectional (concat, ave) predict the same in tfjs and back', async () => {
  my.setSeed(4);
  const model = my.sequential([
    my.layers.masking({ maskValue: 0, inputShape: [5, 2], name: 'mask' }),
    my.layers.bidirectional(my.layers.lstm({ units: 3, returnSequences: true, name: 'fw' }), { name: 'bi' }),
    my.layers.bidirectional(my.layers.simpleRnn({ units: 2, activation: 'relu', name: 'fw2' }), { mergeMode: 'ave', name: 'bi2' }),
  ]);
  const x = values(3 * 5 * 2, 6);
  x.fill(0, 6, 10); // sample 0, steps 3 and 4 padded
  const d = await roundTrip(model, x, [3, 5, 2], 'bi');
  expect(d.tfjs).toBeLessThan(TOLERANCE);
  expect(d.back).toBe(0);
  model.dispose();
});

test('a GRU, which tfjs has only in the reset-before form, is refused by name on export, and a reset-before GRU on import', async () => {
  const model = my.sequential([my.layers.bidirectional(my.layers.gru({ units: 2, name: 'g' }), { inputShape: [3, 2], name: 'bi' })]);
  await expect(my.io.exportTfjs(model, path.join(tmp, 'gru'))).rejects.toThrow(my.ModelFormatError);
  await expect(my.io.exportTfjs(model, path.join(tmp, 'gru'))).rejects.toThrow(/layer "bi": wrapped GRU: TensorFlow\.js's GRU computes only the reset-before form/);
  model.dispose();
  const theirs = tf.sequential({ layers: [tf.layers.gru({ units: 2, recurrentActivation: 'sigmoid', inputShape: [3, 2], name: 'tfgru' })] });
  const dir = path.join(tmp, 'tfgru');
  await theirs.save(tf.io.withSaveHandler(async (a) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }] }));
    fs.writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  await expect(my.io.importTfjs(dir)).rejects.toThrow(/layer "tfgru": GRU option reset_after = false is not supported: myelin computes the reset-after GRU/);
});

test('a model tfjs built (Bidirectional LSTM, SimpleRNN, its own weight names and options) imports and predicts the same', async () => {
  const theirs = tf.sequential({
    layers: [
      tf.layers.masking({ maskValue: 0, inputShape: [5, 3], name: 'pad' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, name: 'fw' }) as tf.RNN, mergeMode: 'sum', name: 'bi' }),
      tf.layers.simpleRNN({ units: 2, goBackwards: true, name: 'srnn' }),
    ],
  });
  const dir = path.join(tmp, 'theirs');
  writeTfjsFolder(dir, await tfjsArtifacts(theirs));
  const mine = await my.io.importTfjs(dir);
  const x = values(2 * 5 * 3, 8);
  x.fill(0, 9, 15); // sample 0, steps 3 and 4 padded
  const d = maxDifference(mine.predict(my.tensor(x, [2, 5, 3])) as my.Tensor, theirs.predict(tf.tensor(x, [2, 5, 3])) as tf.Tensor);
  expect(d).toBeLessThan(TOLERANCE);
  mine.dispose();
});
