/**
 * Reads safetensors files as untrusted input: every field of the header is validated before any data is
 * touched, and anything malformed or hostile is a ModelFormatError (checks after safetensors'
 * `Metadata::validate`).
 */
import * as fs from 'fs';
import { ModelFormatError, describe } from '../errors';

/** One tensor read from a safetensors file. */
export interface StoredArray {
  shape: number[];
  data: Float32Array;
}

/** The content of a safetensors file. */
export interface SafetensorsContent {
  /** Tensors by name, in the order of their data offsets. */
  tensors: Map<string, StoredArray>;
  /** The `__metadata__` strings (empty when absent). */
  metadata: Record<string, string>;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeOptions {
  /** Accept NaN and infinite values in the data (default false: they make the file invalid). */
  allowNonFinite?: boolean;
}

/** Largest header accepted (safetensors uses the same bound): 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

const ENTRY_KEYS = ['data_offsets', 'dtype', 'shape'];

/**
 * Decodes safetensors bytes. `source` names the file in error messages.
 * @throws ModelFormatError when the header length is out of bounds, the header is not UTF-8 JSON of an
 *   object, a dtype is not F32, a shape is not a list of non-negative integers, an entry has missing or extra
 *   keys, offsets fall outside the data section, overlap or leave gaps, a byte size differs from
 *   product(shape) * 4, or (by default) a value is NaN or infinite.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data', options: DecodeOptions = {}): SafetensorsContent {
  const fail = (msg: string): never => { throw new ModelFormatError(`${source}: ${msg}`); };
  if (bytes.length < 8) fail(`file has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 < 2n || n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} must be between 2 and ${MAX_HEADER_BYTES} bytes`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} is larger than the file (${bytes.length} bytes): truncated or not safetensors`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must be a JSON object starting with '{', got ${describe(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${describe(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (name === '') fail('tensor names must not be empty');
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`${where} must be an object, got ${describe(entry)}`);
    const e = entry as Record<string, unknown>;
    const keys = Object.keys(e).sort();
    if (keys.join() !== ENTRY_KEYS.join()) fail(`${where} must have exactly the keys ${ENTRY_KEYS.join(', ')}, got ${keys.join(', ') || 'none'}`);
    if (e.dtype !== 'F32') fail(`${where} has dtype ${describe(e.dtype)}; only "F32" is supported`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      fail(`${where} shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((d) => !Number.isSafeInteger(d) || d < 0) || offs[0] > offs[1]) {
      fail(`${where} data_offsets must be [begin, end] with integers 0 <= begin <= end, got ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as number[];
    if (end > dataLen) fail(`${where} data_offsets [${begin}, ${end}] go past the end of the data section (${dataLen} bytes): truncated file`);
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count > dataLen) fail(`${where} shape [${(shape as number[]).join(', ')}] needs more bytes than the data section holds (${dataLen})`);
    }
    if (end - begin !== count * 4) fail(`${where} shape [${(shape as number[]).join(', ')}] needs ${count * 4} bytes but data_offsets cover ${end - begin}`);
    entries.push({ name, shape: (shape as number[]).slice(), begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin < expected) fail(`tensor ${JSON.stringify(e.name)} data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${expected})`);
    if (e.begin > expected) fail(`tensor ${JSON.stringify(e.name)} starts at ${e.begin}, leaving a gap after byte ${expected}`);
    expected = e.end;
  }
  if (expected !== dataLen) fail(`the tensors cover ${expected} bytes but the data section has ${dataLen}: trailing bytes`);
  const tensors = new Map<string, StoredArray>();
  for (const e of entries) {
    const data = new Float32Array((e.end - e.begin) / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + e.begin + 4 * i, true);
    if (!options.allowNonFinite) {
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(`tensor ${JSON.stringify(e.name)} holds ${describe(data[bad])} at index ${bad}`);
    }
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** Reads and validates a safetensors file (see {@link decodeSafetensors}). */
export function readSafetensors(file: string, options: DecodeOptions = {}): SafetensorsContent {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new ModelFormatError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return decodeSafetensors(bytes, file, options);
}
