/**
 * Model files: the safetensors reader/writer, `loadModel`, and the save methods of Sequential (attached here,
 * so importing the library gives every Sequential `save`, `toArtifacts`, `saveWeights` and `loadWeights`).
 */
import { ValueError, describe } from '../errors';
import { Sequential } from '../models/sequential';
import { modelToArtifacts, saveModel, type ModelArtifacts, type SaveOptions } from './model-io';
import { loadWeights, saveWeights } from './weights-file';

export { loadModel, saveModel, modelToArtifacts, isModelArtifacts } from './model-io';
export type { SaveOptions, LoadOptions, ModelArtifacts } from './model-io';
export { saveWeights, loadWeights, WEIGHTS_FORMAT } from './weights-file';
export { readSafetensors, decodeSafetensors } from './safetensors-read';
export type { SafetensorsContent, StoredArray } from './safetensors-read';
export { writeSafetensors, encodeSafetensors } from './safetensors-write';
export type { NamedArray } from './safetensors-write';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './model-json';
export type { ModelJSON } from './model-json';

/**
 * A destination in memory for `model.save(...)`: after the save, `artifacts` holds the model (see
 * {@link ModelArtifacts}), ready for a database or an object store and for `loadModel(memory.artifacts)`.
 */
export class MemoryDestination {
  /** The saved model, or null before a save. */
  artifacts: ModelArtifacts | null = null;
}

/** A new {@link MemoryDestination}: `const m = my.io.memory(); await model.save(m); my.loadModel(m.artifacts!)`. */
export function memory(): MemoryDestination {
  return new MemoryDestination();
}

declare module '../models/sequential' {
  interface Sequential {
    /**
     * Saves the model into the folder `dir` (model.json, weights.safetensors and, by default,
     * optimizer.safetensors, replaced atomically) or into a {@link MemoryDestination} (`my.io.memory()`).
     * Load it with `loadModel(dir)` or `loadModel(destination.artifacts)`. Synchronous: it returns when the
     * files are durable, so `await model.save(dir)` works too.
     */
    save(to: string | MemoryDestination, options?: SaveOptions): void;
    /** The model as `{ modelJson, weights, optimizer? }` in memory (see {@link ModelArtifacts}). */
    toArtifacts(options?: SaveOptions): ModelArtifacts;
    /** Writes the weights only, as one safetensors file (names `<layer>/<weight>`; see lib/io/weights-file.ts). */
    saveWeights(file: string): void;
    /** Sets the weights from a safetensors file written by `saveWeights` (every name and shape must match). */
    loadWeights(file: string): void;
  }
}

Sequential.prototype.save = function save(this: Sequential, to: string | MemoryDestination, options?: SaveOptions): void {
  if (to instanceof MemoryDestination) {
    to.artifacts = modelToArtifacts(this, options, 'save');
    return;
  }
  if (typeof to !== 'string') throw new ValueError(`save: give a folder path or my.io.memory(), got ${describe(to)}`);
  saveModel(this, to, options);
};
Sequential.prototype.toArtifacts = function toArtifacts(this: Sequential, options?: SaveOptions): ModelArtifacts {
  return modelToArtifacts(this, options);
};
Sequential.prototype.saveWeights = function (this: Sequential, file: string): void {
  saveWeights(this, file);
};
Sequential.prototype.loadWeights = function (this: Sequential, file: string): void {
  loadWeights(this, file);
};
