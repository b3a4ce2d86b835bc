/**
 * The asynchronous forms of saving and loading a model folder: the files are written, fsynced and read through
 * `fs/promises`, so the event loop stays free while the bytes move. The content, the atomic replacement and
 * every check of an untrusted folder are those of the synchronous `saveModel` / `loadModel` (one loader, one
 * folder writer).
 */
import * as fsp from 'fs/promises';
import * as path from 'path';
import { ModelFormatError, ValueError, describe } from '../errors';
import type { Model } from '../models/model';
import type { Sequential } from '../models/sequential';
import { resolveSavedFolder, writeFolderAtomicAsync } from './atomic-folder';
import { FILES, parseModelJSON } from './model-json';
import { MAX_MODEL_JSON_BYTES, artifactFiles, loadFromSource, modelToArtifacts, type LoadOptions, type SaveOptions } from './model-io';
import { openSafetensorsBytes } from './safetensors-read';

const NOFOLLOW = fsp.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fsp.constants.O_NONBLOCK ?? 0;

/**
 * Reads a whole file that must be a regular file (not a link: `O_NOFOLLOW`; `O_NONBLOCK` so a FIFO cannot
 * block the open; fstat of the open handle) of at most `maxBytes`, checked before reading.
 * @throws ModelFormatError naming `what` and the file.
 */
export async function readRegularFileAsync(file: string, what: string, maxBytes = Infinity): Promise<Uint8Array> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, fsp.constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOOP') throw new ModelFormatError(`${what} ${file} is a symbolic link; a saved model holds only regular files`);
    throw new ModelFormatError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ModelFormatError(`${what} ${file} is not a regular file (a FIFO, device, socket or folder)`);
    if (st.size > maxBytes) throw new ModelFormatError(`${what} ${file} has ${st.size} bytes, more than the ${maxBytes} allowed`);
    const out = new Uint8Array(st.size);
    let done = 0;
    while (done < st.size) {
      const { bytesRead } = await handle.read(out, done, st.size - done, done);
      if (bytesRead === 0) throw new ModelFormatError(`${file}: ended after ${done} bytes while ${st.size} were expected (changed while reading?)`);
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * `await saveModelAsync(model, dir)`: what `saveModel` writes (model.json, weights.safetensors, optionally
 * optimizer.safetensors), replaced atomically and durably, with the writes and fsyncs on `fs/promises`.
 * @throws as `saveModel` (ValueError, DisposedError, IOError with the previous model intact).
 */
export async function saveModelAsync(model: Model, dir: string, options: SaveOptions = {}): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`save: dir must be a non-empty path, got ${describe(dir)}`);
  const artifacts = modelToArtifacts(model, options, 'save');
  await writeFolderAtomicAsync(dir, artifactFiles(artifacts), (name) => (Object.values(FILES) as string[]).includes(name));
}

/**
 * `await loadModelAsync(dir)`: reads the folder's files through `fs/promises` (regular files only, model.json
 * at most 8 MiB, the optimizer file only when model.json says it was saved and `compile` is not false), then
 * loads them with every check of `loadModel`.
 * @throws ModelFormatError for a missing, malformed, hostile or inconsistent folder.
 */
export async function loadModelAsync<M extends Model = Sequential>(dir: string, options: LoadOptions = {}): Promise<M> {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`loadModel: dir must be a non-empty path, got ${describe(dir)}`);
  const folder = resolveSavedFolder(dir);
  const jsonFile = path.join(folder, FILES.model);
  const jsonBytes = await readRegularFileAsync(jsonFile, 'model file', MAX_MODEL_JSON_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes);
  } catch {
    throw new ModelFormatError(`model file ${jsonFile} is not valid UTF-8`);
  }
  const doc = parseModelJSON(text, jsonFile);
  const weightsFile = path.join(folder, FILES.weights);
  const weights = await readRegularFileAsync(weightsFile, 'weights file');
  const optFile = path.join(folder, FILES.optimizer);
  const wantsOptimizer = doc.hasOptimizerState && doc.compileConfig !== null && options?.compile !== false;
  const optimizer = wantsOptimizer ? await readRegularFileAsync(optFile, 'optimizer file') : new Uint8Array(0);
  return loadFromSource<M>({
    jsonName: jsonFile,
    modelJson: () => doc,
    weights: () => openSafetensorsBytes(weights, weightsFile),
    optimizer: () => openSafetensorsBytes(optimizer, optFile),
  }, options);
}

