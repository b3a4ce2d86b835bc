/**
 * Writing a model in the TensorFlow.js layers format: `await my.io.exportTfjs(model, dir)` writes
 * `model.json` (`format: 'layers-model'`, `modelTopology`, `weightsManifest`) and `group1-shard1of1.bin`,
 * which `tf.loadLayersModel` of @tensorflow/tfjs reads; `my.io.toTfjsArtifacts(model)` gives the same in
 * memory, as the `tf.io.ModelArtifacts` that `tf.io.fromMemory` takes.
 */
import { DisposedError, ValueError, describe } from '../../errors';
import { Model } from '../../models/model';
import type { GraphModelConfig } from '../../models/graph-config';
import type { SequentialConfig } from '../../models/sequential';
import { writeFolderAtomicAsync } from '../atomic-folder';
import { packageVersion } from '../model-artifacts';
import { weightName } from './layer-map';
import { wrapperWeightPrefixes } from './recurrent-map';
import { topologyToTfjs, type TfjsTopology } from './topology';
import { joinWeights, type TfjsManifestGroup, type TfjsWeightSpec } from './tfjs-weights';

/** The weights file exportTfjs writes. */
export const TFJS_SHARD = 'group1-shard1of1.bin';

/** A model in the TensorFlow.js layers format, in memory (`tf.io.ModelArtifacts`). */
export interface TfjsArtifacts {
  modelTopology: TfjsTopology;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: TfjsWeightSpec[];
  /** The float32 values of the specs one after the other, little-endian. */
  weightData: ArrayBuffer;
}

/** The content of the model.json that exportTfjs writes. */
export interface TfjsModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: TfjsTopology;
  weightsManifest: TfjsManifestGroup[];
}

/**
 * `model` as TensorFlow.js layers artifacts: the topology with Keras class names and snake_case configs
 * (lib/io/tfjs/layer-map.ts lists the layers), every weight as float32 named `<layer>/<weight>` as tfjs
 * names it (a DepthwiseConv2D kernel is `depthwise_kernel`). The optimizer state is not part of the format.
 * @throws ValueError for a model not built yet; DisposedError for a disposed one; ModelFormatError naming the
 *   layer for a layer, activation, initializer or option that tfjs does not have (e.g. SpatialDropout2D,
 *   leakyRelu, a model used as a layer).
 */
export function toTfjsArtifacts(model: Model): TfjsArtifacts {
  if (!(model instanceof Model)) throw new ValueError(`exportTfjs: model must be a Sequential or a Model, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`exportTfjs: the model ${model.name} was disposed`);
  const arch = model.getConfig() as SequentialConfig | GraphModelConfig;
  if ('inputShape' in arch && !arch.inputShape) throw new ValueError('exportTfjs: the model is not built yet (give the first layer an inputShape, or fit/predict once)');
  const version = packageVersion();
  const { topology, classes } = topologyToTfjs(arch, version);
  const weights = model.weights;
  const wrapped = wrapperWeightPrefixes(arch);
  const weightSpecs: TfjsWeightSpec[] = weights.map((w) => {
    const cut = w.name.lastIndexOf('/');
    const layer = w.name.slice(0, cut);
    const under = wrapped.get(layer);
    if (under !== undefined) return { name: `${under}/${w.name.slice(cut + 1)}`, shape: w.shape.slice(), dtype: 'float32' };
    return { name: weightName(classes.get(layer) ?? '', layer, w.name.slice(cut + 1), true), shape: w.shape.slice(), dtype: 'float32' };
  });
  const bytes = joinWeights(weights.map((w) => w.dataSync() as Float32Array));
  return {
    modelTopology: topology,
    format: 'layers-model',
    generatedBy: `myelin ${version}`,
    convertedBy: null,
    weightSpecs,
    weightData: bytes.buffer as ArrayBuffer,
  };
}

/**
 * Writes `model` into the folder `dir` in the TensorFlow.js layers format: `model.json` and
 * `group1-shard1of1.bin` (see {@link toTfjsArtifacts}), replaced atomically (a fresh sibling folder, fsync,
 * rename) through `fs/promises`. Load it in tfjs with `tf.loadLayersModel('file://<dir>/model.json')`
 * (tfjs-node) or an IOHandler reading the two files; back in myelin with `my.io.importTfjs(dir)`.
 * @throws (rejects with) as toTfjsArtifacts; ValueError for a bad `dir`; IOError when the file system refuses.
 */
export async function exportTfjs(model: Model, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`exportTfjs: dir must be a non-empty path, got ${describe(dir)}`);
  const a = toTfjsArtifacts(model);
  const json: TfjsModelJSON = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [TFJS_SHARD], weights: a.weightSpecs }],
  };
  const files = [{ name: TFJS_SHARD, bytes: new Uint8Array(a.weightData) }, { name: 'model.json', bytes: JSON.stringify(json) }];
  await writeFolderAtomicAsync(dir, files, (name) => name === 'model.json' || name === TFJS_SHARD, 'exportTfjs');
}
