/**
 * TensorFlow.js (@tensorflow/tfjs, pure-JS cpu backend) beside myelin for the tfjs format tests: load a folder
 * written by `my.io.exportTfjs` through a small IOHandler that reads model.json and its shards (as tfjs-node's
 * file:// handler does), capture a tfjs model's artifacts with `tf.io.withSaveHandler`, write them as tfjs
 * writes a folder, and compare predictions.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as my from '../../../lib/index';

let ready: Promise<boolean> | null = null;

/** tfjs on its cpu backend (once); its banner about tfjs-node is silenced. */
export async function tfjsReady(): Promise<void> {
  if (!ready) {
    const warn = console.warn;
    console.warn = () => undefined;
    ready = tf.setBackend('cpu').finally(() => { console.warn = warn; });
  }
  await ready;
}

/** A tfjs IOHandler over a folder: model.json and the shards its weightsManifest names. */
export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      const parts = groups.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(dir, p)));
      const data = Buffer.concat(parts);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      };
    },
  };
}

/** The artifacts tfjs saves for `model` (what `model.save(handler)` hands a handler). */
export async function tfjsArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

/** Writes tfjs artifacts as a tfjs folder (model.json + one shard), the layout of tfjs-node's file:// saver. */
export function writeTfjsFolder(dir: string, a: tf.io.ModelArtifacts): void {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, weightsManifest: manifest }));
  fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
}

/** Deterministic values in [-1, 1). */
export function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Largest |a - b| / (1 + |b|) over the outputs (one tensor or a list). */
export function maxDifference(a: my.Tensor | my.Tensor[], b: tf.Tensor | tf.Tensor[]): number {
  const mine = Array.isArray(a) ? a : [a];
  const theirs = Array.isArray(b) ? b : [b];
  expect(mine.map((t) => t.shape)).toEqual(theirs.map((t) => t.shape));
  let worst = 0;
  mine.forEach((t, i) => {
    const x = t.dataSync();
    const y = theirs[i].dataSync();
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]) / (1 + Math.abs(y[j])));
  });
  return worst;
}
