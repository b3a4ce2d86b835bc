/**
 * A model as bytes in memory (`model.toArtifacts()`): model.json's content, weights.safetensors and
 * optimizer.safetensors, the same content as a saved folder. Sequential and graph (`my.model`) models alike.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DisposedError, ValueError, describe } from '../errors';
import { Model } from '../models/model';
import { FILES, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelJSON } from './model-json';
import { encodeSafetensors } from './safetensors-write';
import type { FolderFile } from './atomic-folder';

/** Options of `model.save`. */
export interface SaveOptions {
  /** Also save the optimizer state (slots and iteration count) so training resumes exactly. Default true. */
  includeOptimizer?: boolean;
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

/** The version of this package (model files record it), or "unknown". */
export function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, up), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'myelin' && typeof pkg.version === 'string') return pkg.version;
    } catch { /* try the next location */ }
  }
  return 'unknown';
}

/**
 * The artifacts of `model` (see {@link ModelArtifacts}): every weight named `<layer>/<weight>`, the optimizer's
 * `getState()` when compiled and `includeOptimizer`, and model.json (format, version, architecture: the
 * Sequential or Functional config, compile config). `op` names the caller in errors.
 * @throws ValueError when the model is not built (no weights yet); DisposedError for a disposed model.
 */
export function modelToArtifacts(model: Model, options: SaveOptions = {}, op = 'toArtifacts'): ModelArtifacts {
  if (!(model instanceof Model)) throw new ValueError(`${op}: model must be a Sequential or a Model, got ${describe(model)}`);
  if (model.isDisposed) throw new DisposedError(`${op}: the model ${model.name} was disposed; there is nothing to save`);
  if (options === null || typeof options !== 'object') throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  const includeOptimizer = options.includeOptimizer ?? true;
  if (typeof includeOptimizer !== 'boolean') throw new ValueError(`${op}: includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
  const architecture = model.getConfig();
  if ('inputShape' in architecture && !architecture.inputShape) {
    throw new ValueError(`${op}: the model is not built yet (give the first layer an inputShape, or fit/predict once)`);
  }
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

/** True for a value shaped like {@link ModelArtifacts} (an object with `modelJson`). */
export function isModelArtifacts(v: unknown): v is ModelArtifacts {
  return v !== null && typeof v === 'object' && 'modelJson' in v;
}
