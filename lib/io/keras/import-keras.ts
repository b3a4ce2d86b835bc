/**
 * Reading a Keras 3 `.keras` file into myelin: `await my.io.importKeras('model.keras')` or
 * `await my.io.importKeras(bytes)`. The file is a zip archive holding `config.json` (the architecture),
 * `metadata.json` (`keras_version`) and `model.weights.h5` (the weights, HDF5, read with the optional
 * package `h5wasm`). The result is an uncompiled myelin model (Sequential, or a graph `Model` for Keras's
 * `Functional`) with the Keras weights: compile it and train on, or predict.
 *
 * Untrusted input: the archive is read whole (up to `maxBytes`), every zip offset and size is checked, the
 * JSON is bounded in size and depth, the architecture is rebuilt dry and every HDF5 dataset's shape and type
 * are compared with the weight myelin declares before its data is read. Any problem is a ModelFormatError
 * that names it (and the layer, where there is one).
 */
import { mkdtemp, rm, writeFile } from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { ModelFormatError, ValueError, describe } from '../../errors';
import type { Model } from '../../models/model';
import { declaredWeights, importedModel } from '../build-imported';
import { ioCallAsync } from '../fs-errors';
import { readRegularFileAsync } from '../model-io-async';
import { MAX_MODEL_JSON_BYTES } from '../model-io';
import { parseBoundedJSON } from '../safe-read';
import { topologyFromTfjs } from '../tfjs/topology';
import { loadH5wasm, type H5Group, type H5wasmModule } from './h5wasm-load';
import { KERAS_LAYER_SPECS, topologyFromKeras } from './keras-config';
import { readKerasWeights } from './keras-weights';
import { openZip, type ZipArchive } from './zip-read';

/** Options of {@link importKeras}. */
export interface KerasImportOptions {
  /** Largest `.keras` file (and largest `model.weights.h5` inside it) read, in bytes. Default 1 GiB. */
  maxBytes?: number;
}

/** Default of `maxBytes`: 1 GiB. */
export const MAX_KERAS_BYTES = 2 ** 30;
const MAX_METADATA_BYTES = 64 * 1024;

async function readSource(from: unknown, maxBytes: number): Promise<{ bytes: Uint8Array; source: string }> {
  if (typeof from === 'string' && from !== '') return { bytes: await readRegularFileAsync(from, 'Keras model file', maxBytes), source: from };
  const bytes = from instanceof Uint8Array ? from : from instanceof ArrayBuffer ? new Uint8Array(from) : null;
  if (!bytes) throw new ValueError(`importKeras: give the path of a .keras file, or its bytes as a Uint8Array or ArrayBuffer, got ${describe(from)}`);
  if (bytes.byteLength > maxBytes) throw new ModelFormatError(`Keras model bytes: ${bytes.byteLength} bytes, more than the ${maxBytes} allowed`);
  return { bytes, source: 'Keras model bytes' };
}

function readJson(zip: ZipArchive, name: string, maxBytes: number, source: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(zip.read(name, maxBytes));
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`${source}: ${name} is not valid UTF-8`);
  }
  return parseBoundedJSON(text, `${source}: ${name}`);
}

function checkMetadata(zip: ZipArchive, source: string): void {
  if (!zip.entries.has('metadata.json')) return;
  const meta = readJson(zip, 'metadata.json', MAX_METADATA_BYTES, source) as { keras_version?: unknown } | null;
  const version = meta !== null && typeof meta === 'object' ? meta.keras_version : undefined;
  if (typeof version === 'string' && !version.startsWith('3.')) {
    throw new ModelFormatError(`${source}: written by Keras ${version}; myelin reads the .keras files of Keras 3 (load it in Keras 3 and save it again)`);
  }
}

/** The first lines of an error from HDF5 (its error stack), on one line. */
function hdf5Message(err: unknown): string {
  // Duck-typed: under a vm sandbox h5wasm's errors come from another realm's Error.
  const message = (err as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : typeof err === 'string' ? err : describe(err);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('HDF5-DIAG'));
  const shown = lines.slice(0, 3).join('; ').replace(/\S*\/src\//g, '');
  return shown.length > 300 ? `${shown.slice(0, 300)}...` : shown;
}

/**
 * @internal Runs `read` on the HDF5 file `bytes`, written to a private folder made in `tmpRoot` (h5wasm reads
 * the host's files; the folder is removed afterwards).
 * @throws IOError when the folder cannot be made or written; ModelFormatError when HDF5 cannot read the file.
 */
export async function withHdf5<T>(h5: H5wasmModule, bytes: Uint8Array, source: string, read: (root: H5Group) => T, tmpRoot = os.tmpdir()): Promise<T> {
  const dir = await ioCallAsync('importKeras', 'create a temporary folder in', tmpRoot, () => mkdtemp(path.join(tmpRoot, 'myelin-keras-')));
  const file = path.join(dir, 'model.weights.h5');
  try {
    await ioCallAsync('importKeras', 'write the HDF5 weights to', file, () => writeFile(file, bytes, { mode: 0o600 }));
    let root: H5Group & { close(): unknown };
    try {
      root = new h5.File(file, 'r');
    } catch (err) {
      throw new ModelFormatError(`${source}: model.weights.h5 is not a readable HDF5 file (${hdf5Message(err)})`);
    }
    try {
      return read(root);
    } catch (err) {
      if (err instanceof ModelFormatError) throw err;
      throw new ModelFormatError(`${source}: model.weights.h5 is damaged (${hdf5Message(err)})`);
    } finally {
      try {
        root.close();
      } catch {
        // A file HDF5 could not read may not close cleanly either; the folder is removed below.
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A myelin model from a Keras 3 `.keras` file (see the file comment): same architecture, the Keras
 * weights, uncompiled; predictions agree with Keras's to float32 rounding. `importKeras<my.Sequential>(f)`
 * types a Sequential. Layers: those of lib/io/tfjs/layer-map.ts (recurrent ones included, with GRU's reset_after
 * form) plus MultiHeadAttention, LeakyReLU, SpatialDropout2D and Subtract, channels-last.
 * Needs the optional package `h5wasm` (`npm install h5wasm`).
 * @param from the path of a `.keras` file, or its bytes.
 * @throws (rejects with) ModelFormatError naming the problem (and the layer) for a damaged or hostile zip, a
 *   malformed config, an unknown layer class or option, a weight missing, extra, of another shape or not
 *   float32, or a file of Keras 2; DependencyError when h5wasm is not installed; IOError when the weights
 *   cannot be written to the temporary folder (`os.tmpdir()`, `TMPDIR`); ValueError for a bad argument.
 */
export async function importKeras<M extends Model = Model>(from: string | Uint8Array | ArrayBuffer, options: KerasImportOptions = {}): Promise<M> {
  const maxBytes = options.maxBytes ?? MAX_KERAS_BYTES;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) throw new ValueError(`importKeras: maxBytes must be a positive number, got ${describe(maxBytes)}`);
  const { bytes, source } = await readSource(from, maxBytes);
  const zip = openZip(bytes, source);
  checkMetadata(zip, source);
  const { topology, layers } = topologyFromKeras(readJson(zip, 'config.json', MAX_MODEL_JSON_BYTES, source));
  const arch = topologyFromTfjs(topology, KERAS_LAYER_SPECS);
  const declared = declaredWeights(arch.config, source);
  const h5bytes = zip.read('model.weights.h5', maxBytes);
  const h5 = await loadH5wasm();
  const weights = await withHdf5(h5, h5bytes, source, (root) => readKerasWeights(root, layers, declared, source));
  return importedModel(arch.config, (w) => weights.get(w.name)!, source) as M;
}
