/** Saving a Sequential model to a folder and loading it back (architecture, compile config, weights, optimizer state). */
import * as fs from 'fs';
import * as path from 'path';
import { DisposedError, ModelFormatError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { Sequential, type SequentialConfig } from '../models/sequential';
import { Model } from '../models/model';
import type { GraphModelConfig } from '../models/graph-config';
import type { Tensor } from '../tensor/tensor';
import { FILES, MODEL_FORMAT, MODEL_FORMAT_VERSION, parseModelJSON, type ModelJSON } from './model-json';
import { openSafetensors, type SafetensorsContent, type SafetensorsHeader } from './safetensors-read';
import { encodeSafetensors } from './safetensors-write';
import { resolveSavedFolder, writeFolderAtomic, type FolderFile } from './atomic-folder';
import { declaredGraphWeights, declaredWeights, type DeclaredWeight } from './declared-weights';
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
 * Writes `model` into the folder `dir`: `weights.safetensors` (every weight, named `<layer>/<weight>`),
 * `optimizer.safetensors` (the optimizer's `getState()`, when compiled and `includeOptimizer`) and
 * `model.json` (format, version, architecture, compile config). The folder is replaced atomically and
 * durably (`writeFolderAtomic`: a fresh sibling folder, fsync, rename), so a process killed at any instant
 * leaves the previous or the new model loadable. Calling it from a callback while `fit` runs is fine: it
 * runs between two steps.
 * @throws ValueError when the model is not built (no weights yet) or `dir` is not a string.
 * @throws IOError (with the system `code`) when the file system refuses (full disk, read-only, a file where
 *   the folder should be, a folder holding other files); the previous model is then intact.
 */
export function saveModel(model: Model, dir: string, options: SaveOptions = {}): void {
  if (!(model instanceof Model)) throw new ValueError(`save: model must be a Sequential or a Model, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`save: the model ${model.name} was disposed; there is nothing to save`);
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`save: dir must be a non-empty path, got ${describe(dir)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`save: options must be an object, got ${describe(options)}`);
  const includeOptimizer = options.includeOptimizer ?? true;
  if (typeof includeOptimizer !== 'boolean') throw new ValueError(`save: includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
  const architecture = model.getConfig();
  if ('inputShape' in architecture && !architecture.inputShape) throw new ValueError('save: the model is not built yet (give the first layer an inputShape, or fit/predict once)');
  const weights = model.weights;
  const files: FolderFile[] = [{ name: FILES.weights, bytes: encodeSafetensors(weights.map((w) => ({ name: w.name, tensor: w })), { format: MODEL_FORMAT }) }];
  const compileConfig = model.compileConfig;
  const optimizer = model.optimizer;
  const hasOptimizerState = includeOptimizer && compileConfig !== null && optimizer !== null;
  if (hasOptimizerState) {
    const state = optimizer!.getState();
    try {
      files.push({ name: FILES.optimizer, bytes: encodeSafetensors(state.map((e) => ({ name: e.name, tensor: e.tensor })), { format: MODEL_FORMAT, optimizer: optimizer!.className }) });
    } finally {
      for (const e of state) e.tensor.dispose();
    }
  }
  const doc: ModelJSON = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    myelinVersion: packageVersion(),
    architecture: architecture as ModelJSON['architecture'],
    compileConfig: compileConfig as ModelJSON['compileConfig'],
    weights: weights.map((w) => w.name),
    hasOptimizerState,
  };
  files.push({ name: FILES.model, bytes: JSON.stringify(doc, null, 2) + '\n' });
  writeFolderAtomic(dir, files, (name) => (Object.values(FILES) as string[]).includes(name));
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

/** A graph model's weights file must hold exactly the declared weights (by name), each of its declared shape. */
function checkGraphWeightsHeader(header: SafetensorsHeader, declared: { name: string; shape: number[] }[], weightsFile: string): void {
  const stored = new Map(header.entries.map((e) => [e.name, e.shape]));
  for (const d of declared) {
    const s = stored.get(d.name);
    if (!s) throw new ModelFormatError(`${weightsFile}: missing tensor ${d.name}`);
    if (s.join() !== d.shape.join()) throw new ModelFormatError(`${weightsFile}: ${d.name} has shape ${shapeText(s)}, the architecture needs ${shapeText(d.shape)}`);
  }
  const names = new Set(declared.map((d) => d.name));
  const extra = [...stored.keys()].filter((k) => !names.has(k));
  if (extra.length > 0) throw new ModelFormatError(`${weightsFile}: unexpected tensors ${extra.slice(0, 10).join(', ')}`);
}

/**
 * Loads a model saved with `model.save(dir)`: validates model.json, checks every weight shape the
 * architecture declares against the weights file's header, rebuilds the architecture, sets the weights
 * (every name and shape must match, nothing missing or extra), and, unless `compile: false`, compiles it as
 * it was and restores the optimizer state (validated fully: every slot of every trainable weight, with its
 * shape), so that further training continues exactly as the saved model would have. Only regular files
 * inside the folder are read (no links, FIFOs or devices), never more than their headers declare.
 * A graph model (saved from `my.model`) comes back as a `Model`: `loadModel<my.Model>(dir)` types it so; the type
 * parameter defaults to `Sequential`.
 * @throws ModelFormatError for a missing, malformed, hostile or inconsistent folder.
 */
export function loadModel<M extends Model = Sequential>(dir: string, options: LoadOptions = {}): M {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`loadModel: dir must be a non-empty path, got ${describe(dir)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`loadModel: options must be an object, got ${describe(options)}`);
  const compile = options.compile ?? true;
  if (typeof compile !== 'boolean') throw new ValueError(`loadModel: compile must be a boolean, got ${describe(compile)}`);
  const folder = resolveSavedFolder(dir);
  const jsonFile = path.join(folder, FILES.model);
  const doc = parseModelJSON(readSmallTextFile(jsonFile, 'model file', MAX_MODEL_JSON_BYTES), jsonFile);
  const graph = doc.architecture.className === 'Functional';
  const declared = graph ? null : declaredWeights(doc.architecture.layers, doc.architecture.inputShape as number[], jsonFile);
  const declaredByName = graph ? declaredGraphWeights(doc.architecture as unknown as GraphModelConfig, jsonFile) : null;
  const weightsFile = path.join(folder, FILES.weights);
  const weightsSt = openSafetensors(weightsFile);
  let stored: SafetensorsContent;
  try {
    if (declared) checkWeightsHeader(doc, weightsSt.header, declared, jsonFile, weightsFile);
    if (declaredByName) checkGraphWeightsHeader(weightsSt.header, declaredByName, weightsFile);
    stored = weightsSt.read();
  } finally {
    weightsSt.close();
  }
  let model: Sequential | Model;
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
    if (compile && doc.compileConfig) restoreTraining(model, doc, folder, jsonFile);
    return model as M;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function restoreTraining(model: Model, doc: ModelJSON, dir: string, jsonFile: string): void {
  const cc = doc.compileConfig!;
  try {
    model.compile({ optimizer: cc.optimizer, loss: cc.loss, metrics: cc.metrics, ...(cc.lossWeights ? { lossWeights: cc.lossWeights } : {}) });
  } catch (err) {
    throw new ModelFormatError(`${jsonFile}: compileConfig cannot be restored (${(err as Error).message}); load with { compile: false } and compile yourself`);
  }
  if (!doc.hasOptimizerState) return;
  const optFile = path.join(dir, FILES.optimizer);
  const st = openSafetensors(optFile, 'optimizer file');
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
function checkOptimizerHeader(header: SafetensorsHeader, model: Model, optFile: string): void {
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
