/**
 * Model files: the safetensors reader/writer, `loadModel`, and `Model.prototype.save` (attached here,
 * so importing the library gives every model, Sequential included, a `save(dir)` method).
 */
import { Functional, type Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { saveModel, type SaveOptions } from './model-io';

export { loadModel, saveModel } from './model-io';
export type { SaveOptions, LoadOptions } from './model-io';
export { readSafetensors, decodeSafetensors } from './safetensors-read';
export type { SafetensorsContent, StoredArray } from './safetensors-read';
export { writeSafetensors, encodeSafetensors } from './safetensors-write';
export type { NamedArray } from './safetensors-write';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './model-json';

declare module '../models/model' {
  interface Model {
    /**
     * Saves the model into the folder `dir`: model.json (format, version, architecture, compile config),
     * weights.safetensors and, by default, optimizer.safetensors. Load it with `loadModel(dir)`.
     */
    save(dir: string, options?: SaveOptions): void;
  }
}

// On each concrete class (not on Model), so that either can be left without `save`.
for (const cls of [Sequential, Functional]) {
  cls.prototype.save = function save(this: Model, dir: string, options?: SaveOptions): void {
    saveModel(this, dir, options);
  };
}
