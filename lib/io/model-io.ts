/**
 * Saving a model (Sequential or graph) to a folder and loading it back from a folder or from artifacts in
 * memory: architecture, compile config, weights, optimizer state.
 */
import * as path from 'path';
import { DisposedError, ModelFormatError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { Sequential, type SequentialConfig } from '../models/sequential';
import { Model } from '../models/model';
import type { GraphModelConfig } from '../models/graph-config';
import type { Tensor } from '../tensor/tensor';
import { FILES, parseModelJSON, type ModelJSON } from './model-json';
import { openSafetensors, openSafetensorsBytes, type SafetensorsContent, type SafetensorsFile } from './safetensors-read';
import { resolveSavedFolder, writeFolderAtomic } from './atomic-folder';
import { declaredGraphWeights, declaredWeights } from './declared-weights';
import { readSmallTextFile } from './safe-read';
import { artifactFiles, isModelArtifacts, modelToArtifacts, type ModelArtifacts, type SaveOptions } from './model-artifacts';
import { checkGraphWeightsHeader, checkOptimizerHeader, checkWeightsHeader, shapeText } from './saved-headers';

export { artifactFiles, isModelArtifacts, modelToArtifacts } from './model-artifacts';
export type { ModelArtifacts, SaveOptions } from './model-artifacts';

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** Compile the model with the saved compile config and restore the optimizer state. Default true. */
  compile?: boolean;
}

/**
 * Writes `model` into the folder `dir`: `weights.safetensors` (every weight, named `<layer>/<weight>`),
 * `optimizer.safetensors` (the optimizer's `getState()`, when compiled and `includeOptimizer`) and
 * `model.json` (format, version, architecture, compile config; see {@link modelToArtifacts}). The folder is
 * replaced atomically and durably (`writeFolderAtomic`: a fresh sibling folder, fsync, rename), so a process
 * killed at any instant leaves the previous or the new model loadable. Calling it from a callback while `fit`
 * runs is fine: it runs between two steps.
 * @throws ValueError when the model is not built (no weights yet) or `dir` is not a string.
 * @throws IOError (with the system `code`) when the file system refuses (full disk, read-only, a file where
 *   the folder should be, a folder holding other files); the previous model is then intact.
 */
export function saveModel(model: Model, dir: string, options: SaveOptions = {}): void {
  if (!(model instanceof Model)) throw new ValueError(`save: model must be a Sequential or a Model, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`save: the model ${model.name} was disposed; there is nothing to save`);
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`save: dir must be a non-empty path, got ${describe(dir)}`);
  const artifacts = modelToArtifacts(model, options, 'save');
  writeFolderAtomic(dir, artifactFiles(artifacts), (name) => (Object.values(FILES) as string[]).includes(name));
}

/** Largest model.json accepted: 8 MiB (a saved model needs a few KiB). */
export const MAX_MODEL_JSON_BYTES = 8 * 1024 * 1024;

/** Where a saved model is read from: a folder, or bytes in memory. Names are used in messages. */
export interface ModelSource {
  jsonName: string;
  modelJson(): ModelJSON;
  weights(): SafetensorsFile;
  optimizer(): SafetensorsFile;
}

function folderSource(dir: string): ModelSource {
  const folder = resolveSavedFolder(dir);
  const jsonName = path.join(folder, FILES.model);
  return {
    jsonName,
    modelJson: () => parseModelJSON(readSmallTextFile(jsonName, 'model file', MAX_MODEL_JSON_BYTES), jsonName),
    weights: () => openSafetensors(path.join(folder, FILES.weights)),
    optimizer: () => openSafetensors(path.join(folder, FILES.optimizer), 'optimizer file'),
  };
}

function artifactsSource(a: ModelArtifacts): ModelSource {
  const bytes = (v: unknown, key: string): Uint8Array => {
    if (!(v instanceof Uint8Array)) throw new ModelFormatError(`loadModel: artifacts.${key} must be a Uint8Array (safetensors bytes), got ${describe(v)}`);
    return v;
  };
  return {
    jsonName: 'artifacts.modelJson',
    modelJson: () => {
      if (a.modelJson === null || typeof a.modelJson !== 'object') throw new ModelFormatError(`loadModel: artifacts.modelJson must be an object, got ${describe(a.modelJson)}`);
      const text = JSON.stringify(a.modelJson);
      if (text.length > MAX_MODEL_JSON_BYTES) throw new ModelFormatError(`loadModel: artifacts.modelJson is ${text.length} characters, more than ${MAX_MODEL_JSON_BYTES}`);
      return parseModelJSON(text, 'artifacts.modelJson');
    },
    weights: () => openSafetensorsBytes(bytes(a.weights, 'weights'), 'artifacts.weights'),
    optimizer: () => openSafetensorsBytes(bytes(a.optimizer, 'optimizer'), 'artifacts.optimizer'),
  };
}

/**
 * Loads a model saved with `model.saveSync(dir)` / `await model.save(dir)` (give the folder) or
 * `model.toArtifacts()` (give the artifacts): validates model.json, checks every weight shape the architecture
 * declares against the weights' header, rebuilds the architecture, sets the weights (every name and shape must
 * match, nothing missing or extra), and, unless `compile: false`, compiles it as it was and restores the
 * optimizer state (validated fully: every slot of every trainable weight, with its shape), so that further
 * training continues exactly as the saved model would have. From a folder only regular files are read (no
 * links, FIFOs or devices), never more than their headers declare. Synchronous.
 * A graph model (saved from `my.model`) comes back as a `Model`: `loadModelSync<my.Model>(dir)` types it so;
 * the type parameter defaults to `Sequential`.
 * @throws ModelFormatError for a missing, malformed, hostile or inconsistent folder or artifacts.
 */
export function loadModel<M extends Model = Sequential>(from: string | ModelArtifacts, options: LoadOptions = {}): M {
  let source: ModelSource;
  if (isModelArtifacts(from)) source = artifactsSource(from);
  else if (typeof from === 'string' && from !== '') source = folderSource(from);
  else throw new ValueError(`loadModel: give a folder path or the artifacts of model.toArtifacts(), got ${describe(from)}`);
  return loadFromSource<M>(source, options);
}

/** The loader behind {@link loadModel} and `loadModelAsync`: everything after the source is chosen. */
export function loadFromSource<M extends Model = Sequential>(source: ModelSource, options: LoadOptions): M {
  if (options === null || typeof options !== 'object') throw new ValueError(`loadModel: options must be an object, got ${describe(options)}`);
  const compile = options.compile ?? true;
  if (typeof compile !== 'boolean') throw new ValueError(`loadModel: compile must be a boolean, got ${describe(compile)}`);
  const jsonFile = source.jsonName;
  const doc = source.modelJson();
  const graph = doc.architecture.className === 'Functional';
  const declared = graph ? null : declaredWeights(doc.architecture.layers, doc.architecture.inputShape as number[], jsonFile);
  const declaredByName = graph ? declaredGraphWeights(doc.architecture as unknown as GraphModelConfig, jsonFile) : null;
  const weightsSt = source.weights();
  const weightsFile = weightsSt.file;
  let stored: SafetensorsContent;
  try {
    if (declared) checkWeightsHeader(doc, weightsSt.header, declared, jsonFile, weightsFile);
    if (declaredByName) checkGraphWeightsHeader(weightsSt.header, declaredByName, weightsFile);
    stored = weightsSt.read();
  } finally {
    weightsSt.close();
  }
  let model: Model;
  try {
    model = graph ? Model.fromConfig(doc.architecture as unknown as GraphModelConfig) : Sequential.fromConfig(doc.architecture as SequentialConfig);
  } catch (err) {
    throw new ModelFormatError(`${jsonFile}: architecture cannot be rebuilt: ${(err as Error).message}`);
  }
  try {
    const own = model.weights;
    const names = own.map((w) => w.name);
    if (names.join('\n') !== doc.weights.join('\n')) {
      throw new ModelFormatError(`${jsonFile}: the architecture has weights [${names.join(', ')}] but the file lists [${doc.weights.join(', ')}]`);
    }
    const values: Tensor[] = own.map((w) => {
      const s = stored.tensors.get(w.name)!;
      if (s.shape.join() !== w.shape.join()) {
        throw new ModelFormatError(`${weightsFile}: ${w.name} has shape ${shapeText(s.shape)}, the architecture needs ${shapeText(w.shape)}`);
      }
      return tensor(s.data, s.shape);
    });
    model.setWeights(values);
    for (const v of values) v.dispose();
    if (compile && doc.compileConfig) restoreTraining(model, doc, source, jsonFile);
    return model as M;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function restoreTraining(model: Model, doc: ModelJSON, source: ModelSource, jsonFile: string): void {
  const cc = doc.compileConfig!;
  try {
    model.compile({ optimizer: cc.optimizer, loss: cc.loss, metrics: cc.metrics, ...(cc.lossWeights ? { lossWeights: cc.lossWeights } : {}) });
  } catch (err) {
    throw new ModelFormatError(`${jsonFile}: compileConfig cannot be restored (${(err as Error).message}); load with { compile: false } and compile yourself`);
  }
  if (!doc.hasOptimizerState) return;
  const st = source.optimizer();
  const optFile = st.file;
  let content: SafetensorsContent;
  try {
    checkOptimizerHeader(st.header, model, optFile);
    content = st.read();
  } finally {
    st.close();
  }
  const iterations = content.tensors.get('iterations')!.data[0];
  if (!Number.isInteger(iterations) || iterations < 0) throw new ModelFormatError(`${optFile}: iterations must be an integer >= 0, got ${describe(iterations)}`);
  const entries = [...content.tensors.entries()].map(([name, s]) => ({ name, tensor: tensor(s.data, s.shape) }));
  try {
    model.optimizer!.setState(entries);
  } catch (err) {
    throw new ModelFormatError(`${optFile}: the optimizer state does not fit ${model.optimizer!.className} (${(err as Error).message})`);
  } finally {
    for (const e of entries) e.tensor.dispose();
  }
}
