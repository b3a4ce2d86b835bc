/** Saving a Sequential model to a folder and loading it back (architecture, compile config, weights, optimizer state). */
import * as fs from 'fs';
import * as path from 'path';
import { DisposedError, ModelFormatError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { Sequential, type SequentialConfig } from '../models/sequential';
import type { Tensor } from '../tensor/tensor';
import { FILES, MODEL_FORMAT, MODEL_FORMAT_VERSION, parseModelJSON, type ModelJSON } from './model-json';
import { openSafetensors, openSafetensorsBytes, type SafetensorsContent, type SafetensorsFile, type SafetensorsHeader } from './safetensors-read';
import { encodeSafetensors } from './safetensors-write';
import { resolveSavedFolder, writeFolderAtomic, type FolderFile } from './atomic-folder';
import { declaredWeights, type DeclaredWeight } from './declared-weights';
import { readSmallTextFile } from './safe-read';

/** Options of `model.save`. */
export interface SaveOptions {
  /** Also save the optimizer state (slots and iteration count) so training resumes exactly. Default true. */
  includeOptimizer?: boolean;
}

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** Compile the model with the saved compile config and restore the optimizer state. Default true. */
  compile?: boolean;
}

function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, up), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'myelin' && typeof pkg.version === 'string') return pkg.version;
    } catch { /* try the next location */ }
  }
  return 'unknown';
}

/**
 * A saved model held in memory, for a database or an object store: what `model.toArtifacts()` returns and
 * `loadModel` accepts. The same content as a saved folder: `modelJson` is model.json, `weights` the bytes of
 * weights.safetensors, `optimizer` those of optimizer.safetensors (present when the optimizer state was saved).
 */
export interface ModelArtifacts {
  modelJson: ModelJSON;
  weights: Uint8Array;
  optimizer?: Uint8Array;
}

/**
 * The artifacts of `model` (see {@link ModelArtifacts}): every weight named `<layer>/<weight>`, the optimizer's
 * `getState()` when compiled and `includeOptimizer`, and model.json (format, version, architecture, compile
 * config). `op` names the caller in errors.
 * @throws ValueError when the model is not built (no weights yet); DisposedError for a disposed model.
 */
export function modelToArtifacts(model: Sequential, options: SaveOptions = {}, op = 'toArtifacts'): ModelArtifacts {
  if (!(model instanceof Sequential)) throw new ValueError(`${op}: model must be a Sequential, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`${op}: the model ${model.name} was disposed; there is nothing to save`);
  if (options === null || typeof options !== 'object') throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  const includeOptimizer = options.includeOptimizer ?? true;
  if (typeof includeOptimizer !== 'boolean') throw new ValueError(`${op}: includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
  const architecture = model.getConfig();
  if (!architecture.inputShape) throw new ValueError(`${op}: the model is not built yet (give the first layer an inputShape, or fit/predict once)`);
  const weights = model.weights;
  const artifacts: ModelArtifacts = {
    modelJson: null as unknown as ModelJSON,
    weights: encodeSafetensors(weights.map((w) => ({ name: w.name, tensor: w })), { format: MODEL_FORMAT }),
  };
  const compileConfig = model.compileConfig;
  const optimizer = model.optimizer;
  const hasOptimizerState = includeOptimizer && compileConfig !== null && optimizer !== null;
  if (hasOptimizerState) {
    const state = optimizer!.getState();
    try {
      artifacts.optimizer = encodeSafetensors(state.map((e) => ({ name: e.name, tensor: e.tensor })), { format: MODEL_FORMAT, optimizer: optimizer!.className });
    } finally {
      for (const e of state) e.tensor.dispose();
    }
  }
  artifacts.modelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    myelinVersion: packageVersion(),
    architecture: architecture as ModelJSON['architecture'],
    compileConfig: compileConfig as ModelJSON['compileConfig'],
    weights: weights.map((w) => w.name),
    hasOptimizerState,
  };
  return artifacts;
}

/** The files of a saved folder holding `artifacts`. */
export function artifactFiles(artifacts: ModelArtifacts): FolderFile[] {
  const files: FolderFile[] = [{ name: FILES.weights, bytes: artifacts.weights }];
  if (artifacts.optimizer) files.push({ name: FILES.optimizer, bytes: artifacts.optimizer });
  files.push({ name: FILES.model, bytes: JSON.stringify(artifacts.modelJson, null, 2) + '\n' });
  return files;
}

/**
 * Writes `model` into the folder `dir`: `weights.safetensors`, `optimizer.safetensors` (when compiled and
 * `includeOptimizer`) and `model.json` (see {@link modelToArtifacts}). The folder is replaced atomically and
 * durably (`writeFolderAtomic`: a fresh sibling folder, fsync, rename), so a process killed at any instant
 * leaves the previous or the new model loadable. Calling it from a callback while `fit` runs is fine: it
 * runs between two steps.
 * @throws ValueError when the model is not built (no weights yet) or `dir` is not a string.
 * @throws IOError (with the system `code`) when the file system refuses (full disk, read-only, a file where
 *   the folder should be, a folder holding other files); the previous model is then intact.
 */
export function saveModel(model: Sequential, dir: string, options: SaveOptions = {}): void {
  if (!(model instanceof Sequential)) throw new ValueError(`save: model must be a Sequential, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`save: the model ${model.name} was disposed; there is nothing to save`);
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`save: dir must be a non-empty path, got ${describe(dir)}`);
  const artifacts = modelToArtifacts(model, options, 'save');
  writeFolderAtomic(dir, artifactFiles(artifacts), (name) => (Object.values(FILES) as string[]).includes(name));
}

/** Largest model.json accepted: 8 MiB (a saved Sequential needs a few KiB). */
export const MAX_MODEL_JSON_BYTES = 8 * 1024 * 1024;

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * Checks the weights file's header against the weights the architecture declares (names in model.json's
 * order, shapes from a dry build), before anything is allocated.
 */
function checkWeightsHeader(doc: ModelJSON, header: SafetensorsHeader, declared: DeclaredWeight[], jsonFile: string, weightsFile: string): void {
  if (declared.length !== doc.weights.length) {
    throw new ModelFormatError(`${jsonFile}: the architecture declares ${declared.length} weights but the file lists ${doc.weights.length} [${doc.weights.slice(0, 10).join(', ')}]`);
  }
  const stored = new Map(header.entries.map((e) => [e.name, e.shape]));
  const extra = [...stored.keys()].filter((k) => !doc.weights.includes(k));
  if (extra.length > 0) throw new ModelFormatError(`${weightsFile}: unexpected tensors ${extra.slice(0, 10).join(', ')}`);
  doc.weights.forEach((name, i) => {
    const s = stored.get(name);
    if (!s) throw new ModelFormatError(`${weightsFile}: missing tensor ${name}`);
    if (s.join() !== declared[i].shape.join()) {
      throw new ModelFormatError(`${weightsFile}: ${name} has shape ${shapeText(s)}, the architecture needs ${shapeText(declared[i].shape)}`);
    }
  });
}

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

/** True for a value shaped like {@link ModelArtifacts} (an object with `modelJson`). */
export function isModelArtifacts(v: unknown): v is ModelArtifacts {
  return v !== null && typeof v === 'object' && 'modelJson' in v;
}

/**
 * Loads a model saved with `model.save(dir)` (give the folder) or `model.toArtifacts()` (give the artifacts):
 * validates model.json, checks every weight shape the architecture declares against the weights' header,
 * rebuilds the architecture, sets the weights (every name and shape must match, nothing missing or extra),
 * and, unless `compile: false`, compiles it as it was and restores the optimizer state (validated fully:
 * every slot of every trainable weight, with its shape), so that further training continues exactly as the
 * saved model would have. From a folder only regular files are read (no links, FIFOs or devices), never more
 * than their headers declare. Synchronous.
 * @throws ModelFormatError for a missing, malformed, hostile or inconsistent folder or artifacts.
 */
export function loadModel(from: string | ModelArtifacts, options: LoadOptions = {}): Sequential {
  let source: ModelSource;
  if (isModelArtifacts(from)) source = artifactsSource(from);
  else if (typeof from === 'string' && from !== '') source = folderSource(from);
  else throw new ValueError(`loadModel: give a folder path or the artifacts of model.toArtifacts(), got ${describe(from)}`);
  return loadFromSource(source, options);
}

/** The loader behind {@link loadModel} and `loadModelAsync`: everything after the source is chosen. */
export function loadFromSource(source: ModelSource, options: LoadOptions): Sequential {
  if (options === null || typeof options !== 'object') throw new ValueError(`loadModel: options must be an object, got ${describe(options)}`);
  const compile = options.compile ?? true;
  if (typeof compile !== 'boolean') throw new ValueError(`loadModel: compile must be a boolean, got ${describe(compile)}`);
  const jsonFile = source.jsonName;
  const doc = source.modelJson();
  const declared = declaredWeights(doc.architecture.layers, doc.architecture.inputShape, jsonFile);
  const weightsSt = source.weights();
  const weightsFile = weightsSt.file;
  let stored: SafetensorsContent;
  try {
    checkWeightsHeader(doc, weightsSt.header, declared, jsonFile, weightsFile);
    stored = weightsSt.read();
  } finally {
    weightsSt.close();
  }
  let model: Sequential;
  try {
    model = Sequential.fromConfig(doc.architecture as SequentialConfig);
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
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function restoreTraining(model: Sequential, doc: ModelJSON, source: ModelSource, jsonFile: string): void {
  const cc = doc.compileConfig!;
  try {
    model.compile({ optimizer: cc.optimizer, loss: cc.loss, metrics: cc.metrics });
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

/**
 * The optimizer file must hold a scalar `iterations` and either no slot (never stepped) or exactly one
 * `<slot>/<i>` per slot name of the optimizer and trainable weight i (in `trainableWeights` order, the order
 * in which the optimizer first updates them), each of that weight's shape.
 */
function checkOptimizerHeader(header: SafetensorsHeader, model: Sequential, optFile: string): void {
  const optimizer = model.optimizer!;
  const fail = (msg: string): never => { throw new ModelFormatError(`${optFile}: the optimizer state does not fit ${optimizer.className}: ${msg}`); };
  const got = new Map(header.entries.map((e) => [e.name, e.shape]));
  const it = got.get('iterations');
  if (!it || it.length !== 0) fail(`'iterations' must be a scalar, got ${it ? shapeText(it) : 'none'}`);
  if (got.size === 1) return;
  const expected = new Map<string, readonly number[]>();
  const slots = optimizer.stateSlotNames();
  model.trainableWeights.filter((w) => w.size > 0).forEach((w, i) => {
    for (const s of slots) expected.set(`${s}/${i}`, w.shape);
  });
  for (const [name, shape] of expected) {
    const s = got.get(name);
    if (!s) fail(`slot ${name} is missing (expected ${[...expected.keys()].slice(0, 8).join(', ')}${expected.size > 8 ? ', ...' : ''})`);
    if (s!.join() !== shape.join()) fail(`slot ${name} has shape ${shapeText(s!)}, its weight has ${shapeText(shape)}`);
  }
  const extra = [...got.keys()].filter((k) => k !== 'iterations' && !expected.has(k));
  if (extra.length > 0) fail(`unexpected entries ${extra.slice(0, 8).join(', ')}`);
}
