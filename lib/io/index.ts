/**
 * Model files: the safetensors reader/writer, `loadModel`, and the save methods of every model (attached here,
 * so importing the library gives every Sequential and graph model `save`, `saveSync`, `toArtifacts`,
 * `saveWeights` and `loadWeights`).
 */
import { ValueError, describe } from '../errors';
import { Functional, type Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { loadModel as loadModelNow, modelToArtifacts, saveModel, type LoadOptions, type ModelArtifacts, type SaveOptions } from './model-io';
import { loadModelAsync, saveModelAsync } from './model-io-async';
import { loadWeights, saveWeights } from './weights-file';

export { saveModel, modelToArtifacts, isModelArtifacts } from './model-io';
export { loadModel as loadModelSync } from './model-io';
export { saveModelAsync, loadModelAsync, readRegularFileAsync } from './model-io-async';
export type { SaveOptions, LoadOptions, ModelArtifacts } from './model-io';
export { saveWeights, loadWeights, WEIGHTS_FORMAT } from './weights-file';
export { readSafetensors, decodeSafetensors } from './safetensors-read';
export type { SafetensorsContent, StoredArray } from './safetensors-read';
export { writeSafetensors, encodeSafetensors } from './safetensors-write';
export type { NamedArray } from './safetensors-write';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './model-json';
export { toOnnx, exportOnnx, ONNX_OPSET, ONNX_IR_VERSION, type OnnxExportOptions } from './onnx/export-model';
export { registerOnnxExporter, onnxExportableClasses } from './onnx/exporters/registry';
export { onnxRefusedClasses } from './onnx/refusals';
export type { LayerExport, OnnxLayerExporter, OnnxValue } from './onnx/layer-exporter';
export type { OnnxGraphBuilder } from './onnx/graph-builder';
export { readEventFile, decodeEvent, encodeEvent, histogramOf, type TensorBoardEvent, type SummaryValue, type Histogram } from './tensorboard/events';
export { exportTfjs, toTfjsArtifacts, importTfjs, TFJS_SHARD } from './tfjs/index';
export { importKeras, MAX_KERAS_BYTES, type KerasImportOptions } from './keras/index';
export type { TfjsArtifacts, TfjsModelJSON, TfjsArtifactsInput, TfjsTopology, TfjsWeightSpec, TfjsManifestGroup } from './tfjs/index';
export type { ModelJSON } from './model-json';

/**
 * A destination in memory for `model.save(...)`: after the save, `artifacts` holds the model (see
 * {@link ModelArtifacts}), ready for a database or an object store and for `loadModel(memory.artifacts)`.
 */
export class MemoryDestination {
  /** The saved model, or null before a save. */
  artifacts: ModelArtifacts | null = null;
}

/** A new {@link MemoryDestination}: `const m = my.io.memory(); await model.save(m); await my.loadModel(m.artifacts!)`. */
export function memory(): MemoryDestination {
  return new MemoryDestination();
}

/**
 * Loads a model saved with `await model.save(dir)` (give the folder: its files are read through
 * `fs/promises`) or `model.toArtifacts()` (give the artifacts), with every check of an untrusted folder
 * (see `loadModelSync`, the synchronous form, for the list). Resolves to a model that predicts exactly as
 * the saved one and, unless `compile: false`, trains on exactly as it would have.
 * @throws (rejects with) ModelFormatError for a missing, malformed, hostile or inconsistent folder or artifacts.
 */
export async function loadModel<M extends Model = Sequential>(from: string | ModelArtifacts, options: LoadOptions = {}): Promise<M> {
  if (typeof from === 'string') return loadModelAsync<M>(from, options);
  return loadModelNow<M>(from, options);
}

declare module '../models/model' {
  interface Model {
    /**
     * Saves the model into the folder `dir` (model.json, weights.safetensors and, by default,
     * optimizer.safetensors, replaced atomically and durably, written through `fs/promises`) or into a
     * {@link MemoryDestination} (`my.io.memory()`). Resolves once the files are durable. Load it with
     * `await loadModel(dir)` or `loadModel(destination.artifacts)`.
     * @throws (rejects with) ValueError for a model not built yet, IOError when the file system refuses.
     */
    save(to: string | MemoryDestination, options?: SaveOptions): Promise<void>;
    /**
     * The synchronous form of `save` (same files, same atomic replacement): for callers that cannot await,
     * e.g. a process about to exit, and the code written before `save` became asynchronous.
     */
    saveSync(to: string | MemoryDestination, options?: SaveOptions): void;
    /** The model as `{ modelJson, weights, optimizer? }` in memory (see {@link ModelArtifacts}). */
    toArtifacts(options?: SaveOptions): ModelArtifacts;
    /** Writes the weights only, as one safetensors file (names `<layer>/<weight>`; see lib/io/weights-file.ts). */
    saveWeights(file: string): void;
    /** Sets the weights from a safetensors file written by `saveWeights` (every name and shape must match). */
    loadWeights(file: string): void;
  }
}

// On each concrete class (not on Model), so that either can be left without them.
for (const cls of [Sequential, Functional]) {
  cls.prototype.saveSync = function saveSync(this: Model, to: string | MemoryDestination, options?: SaveOptions): void {
    if (to instanceof MemoryDestination) {
      to.artifacts = modelToArtifacts(this, options, 'save');
      return;
    }
    if (typeof to !== 'string') throw new ValueError(`save: give a folder path or my.io.memory(), got ${describe(to)}`);
    saveModel(this, to, options);
  };
  cls.prototype.save = async function save(this: Model, to: string | MemoryDestination, options?: SaveOptions): Promise<void> {
    if (typeof to === 'string') return saveModelAsync(this, to, options);
    this.saveSync(to, options);
  };
  cls.prototype.toArtifacts = function toArtifacts(this: Model, options?: SaveOptions): ModelArtifacts {
    return modelToArtifacts(this, options);
  };
  cls.prototype.saveWeights = function (this: Model, file: string): void {
    saveWeights(this, file);
  };
  cls.prototype.loadWeights = function (this: Model, file: string): void {
    loadWeights(this, file);
  };
}
