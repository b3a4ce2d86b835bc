/** Saving a Sequential model to a folder and loading it back (architecture, compile config, weights, optimizer state). */
import * as fs from 'fs';
import * as path from 'path';
import { ModelFormatError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { Sequential, type SequentialConfig } from '../models/sequential';
import type { Tensor } from '../tensor/tensor';
import { FILES, MODEL_FORMAT, MODEL_FORMAT_VERSION, parseModelJSON, type ModelJSON } from './model-json';
import { readSafetensors } from './safetensors-read';
import { writeFileAtomic, writeSafetensors } from './safetensors-write';

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
 * Writes `model` into the folder `dir` (created if needed): `weights.safetensors` (every weight, named
 * `<layer>/<weight>`), `optimizer.safetensors` (the optimizer's `getState()`, when compiled and
 * `includeOptimizer`), then `model.json` (format, version, architecture, compile config). Every file is
 * written to a temporary name and renamed into place; model.json comes last, so a folder with a model.json
 * is complete. Calling it from a callback while `fit` runs is fine: it runs between two steps.
 * @throws ValueError when the model is not built (no weights yet) or `dir` is not a string.
 */
export function saveModel(model: Sequential, dir: string, options: SaveOptions = {}): void {
  if (!(model instanceof Sequential)) throw new ValueError(`save: model must be a Sequential, got ${describe(model)}`);
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`save: dir must be a non-empty path, got ${describe(dir)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`save: options must be an object, got ${describe(options)}`);
  const includeOptimizer = options.includeOptimizer ?? true;
  if (typeof includeOptimizer !== 'boolean') throw new ValueError(`save: includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
  const architecture = model.getConfig();
  if (!architecture.inputShape) throw new ValueError('save: the model is not built yet (give the first layer an inputShape, or fit/predict once)');
  fs.mkdirSync(dir, { recursive: true });
  const weights = model.weights;
  writeSafetensors(path.join(dir, FILES.weights), weights.map((w) => ({ name: w.name, tensor: w })), { format: MODEL_FORMAT });
  const compileConfig = model.compileConfig;
  const optimizer = model.optimizer;
  const hasOptimizerState = includeOptimizer && compileConfig !== null && optimizer !== null;
  if (hasOptimizerState) {
    const state = optimizer!.getState();
    try {
      writeSafetensors(path.join(dir, FILES.optimizer), state.map((e) => ({ name: e.name, tensor: e.tensor })), { format: MODEL_FORMAT, optimizer: optimizer!.className });
    } finally {
      for (const e of state) e.tensor.dispose();
    }
  } else {
    fs.rmSync(path.join(dir, FILES.optimizer), { force: true });
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
  writeFileAtomic(path.join(dir, FILES.model), JSON.stringify(doc, null, 2) + '\n');
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelFormatError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * Loads a model saved with `model.save(dir)`: validates model.json, rebuilds the architecture, sets the
 * weights (every name and shape must match, nothing missing or extra), and, unless `compile: false`,
 * compiles it as it was and restores the optimizer state, so that further training continues exactly as the
 * saved model would have.
 * @throws ModelFormatError for a missing, malformed, hostile or inconsistent folder.
 */
export function loadModel(dir: string, options: LoadOptions = {}): Sequential {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`loadModel: dir must be a non-empty path, got ${describe(dir)}`);
  const compile = options.compile ?? true;
  if (typeof compile !== 'boolean') throw new ValueError(`loadModel: compile must be a boolean, got ${describe(compile)}`);
  const jsonFile = path.join(dir, FILES.model);
  const doc = parseModelJSON(readText(jsonFile), jsonFile);
  const weightsFile = path.join(dir, FILES.weights);
  const stored = readSafetensors(weightsFile);
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
    const extra = [...stored.tensors.keys()].filter((k) => !names.includes(k));
    if (extra.length > 0) throw new ModelFormatError(`${weightsFile}: unexpected tensors ${extra.join(', ')}`);
    const values: Tensor[] = own.map((w) => {
      const s = stored.tensors.get(w.name);
      if (!s) throw new ModelFormatError(`${weightsFile}: missing tensor ${w.name}`);
      if (s.shape.join() !== w.shape.join()) {
        throw new ModelFormatError(`${weightsFile}: ${w.name} has shape [${s.shape.join(', ')}], the architecture needs [${w.shape.join(', ')}]`);
      }
      return tensor(s.data, s.shape);
    });
    model.setWeights(values);
    for (const v of values) v.dispose();
    if (compile && doc.compileConfig) restoreTraining(model, doc, dir, jsonFile);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function restoreTraining(model: Sequential, doc: ModelJSON, dir: string, jsonFile: string): void {
  const cc = doc.compileConfig!;
  try {
    model.compile({ optimizer: cc.optimizer, loss: cc.loss, metrics: cc.metrics });
  } catch (err) {
    throw new ModelFormatError(`${jsonFile}: compileConfig cannot be restored (${(err as Error).message}); load with { compile: false } and compile yourself`);
  }
  if (!doc.hasOptimizerState) return;
  const optFile = path.join(dir, FILES.optimizer);
  const state = readSafetensors(optFile);
  const entries = [...state.tensors.entries()].map(([name, s]) => ({ name, tensor: tensor(s.data, s.shape) }));
  try {
    model.optimizer!.setState(entries);
  } catch (err) {
    throw new ModelFormatError(`${optFile}: the optimizer state does not fit ${model.optimizer!.className} (${(err as Error).message})`);
  } finally {
    for (const e of entries) e.tensor.dispose();
  }
}
