/**
 * Reads safetensors files as untrusted input: every field of the header is validated before any data is
 * touched, and anything malformed or hostile is a ModelFormatError (checks after safetensors'
 * `Metadata::validate`).
 */
import * as fs from 'fs';
import { ModelFormatError, describe } from '../errors';
import { openRegularFile, parseBoundedJSON, readExactly } from './safe-read';

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

/** A tensor entry of a validated header: its name, shape and byte range inside the data section. */
export interface HeaderEntry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Entries in the order of their data offsets; they cover the data section exactly. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  /** Byte position of the data section in the file (8 + header length). */
  dataStart: number;
}

const brief = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 80) + '...' : s;
};

/** Header length from the first 8 bytes, checked against the bound and the file size. */
function headerLength(first8: Uint8Array, fileSize: number, fail: (msg: string) => never): number {
  if (fileSize < 8) fail(`file has ${fileSize} bytes, fewer than the 8-byte header length`);
  const n64 = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n64 < 2n || n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} must be between 2 and ${MAX_HEADER_BYTES} bytes`);
  const n = Number(n64);
  if (8 + n > fileSize) fail(`header length ${n} is larger than the file (${fileSize} bytes): truncated or not safetensors`);
  return n;
}

/**
 * Validates a header (`headerBytes`, the N bytes after the length) for a file of `fileSize` bytes, without
 * touching the data: every shape and offset is checked against the data section's real size.
 */
function parseHeader(headerBytes: Uint8Array, fileSize: number, fail: (msg: string) => never): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must be a JSON object starting with '{', got ${describe(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = parseBoundedJSON(text, 'header');
  } catch (err) {
    return fail((err as Error).message);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');
  const dataStart = 8 + headerBytes.length;
  const dataLen = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${describe(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor ${brief(name)}`;
    if (name === '') fail('tensor names must not be empty');
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`${where} must be an object, got ${describe(entry)}`);
    const e = entry as Record<string, unknown>;
    const keys = Object.keys(e).sort();
    if (keys.join() !== ENTRY_KEYS.join()) fail(`${where} must have exactly the keys ${ENTRY_KEYS.join(', ')}, got ${brief(keys.join(', ') || 'none')}`);
    if (e.dtype !== 'F32') fail(`${where} has dtype ${describe(e.dtype)}; only "F32" is supported`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > 32 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      fail(`${where} shape must be an array of at most 32 non-negative integers, got ${brief(shape)}`);
    }
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((d) => !Number.isSafeInteger(d) || d < 0) || offs[0] > offs[1]) {
      fail(`${where} data_offsets must be [begin, end] with integers 0 <= begin <= end, got ${brief(offs)}`);
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
    if (e.begin < expected) fail(`tensor ${brief(e.name)} data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${expected})`);
    if (e.begin > expected) fail(`tensor ${brief(e.name)} starts at ${e.begin}, leaving a gap after byte ${expected}`);
    expected = e.end;
  }
  if (expected !== dataLen) fail(`the tensors cover ${expected} bytes but the data section has ${dataLen}: trailing bytes`);
  return { entries, metadata, dataStart };
}

/** Float32 values of every entry from the data section `data` (little-endian), checked for NaN/infinity. */
function decodeData(header: SafetensorsHeader, data: Uint8Array, fail: (msg: string) => never, options: DecodeOptions): SafetensorsContent {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, StoredArray>();
  for (const e of header.entries) {
    const values = new Float32Array((e.end - e.begin) / 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(e.begin + 4 * i, true);
    if (!options.allowNonFinite) {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(`tensor ${brief(e.name)} holds ${describe(values[bad])} at index ${bad}`);
    }
    tensors.set(e.name, { shape: e.shape, data: values });
  }
  return { tensors, metadata: header.metadata };
}

const failWith = (source: string) => (msg: string): never => { throw new ModelFormatError(`${source}: ${msg}`); };

/**
 * Decodes safetensors bytes. `source` names the file in error messages.
 * @throws ModelFormatError when the header length is out of bounds, the header is not UTF-8 JSON of an
 *   object (nested at most 64 deep), a dtype is not F32, a shape is not a list of non-negative integers, an
 *   entry has missing or extra keys, offsets fall outside the data section, overlap or leave gaps, a byte
 *   size differs from product(shape) * 4, or (by default) a value is NaN or infinite.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data', options: DecodeOptions = {}): SafetensorsContent {
  return openSafetensorsBytes(bytes, source).read(options);
}

/** An open safetensors file whose header was read and validated; the data is read only by `read()`. */
export interface SafetensorsFile {
  file: string;
  header: SafetensorsHeader;
  /** Reads and decodes the data section (exactly the bytes the header declares). */
  read(options?: DecodeOptions): SafetensorsContent;
  close(): void;
}

/**
 * Opens a safetensors file as untrusted input: a regular file only (no link, FIFO or device), size from
 * fstat, the 8-byte length then the header read and validated; nothing more is read until `read()`.
 * @throws ModelFormatError as {@link decodeSafetensors}, and for a file that is not a regular file.
 */
export function openSafetensors(file: string, what = 'weights file'): SafetensorsFile {
  const f = openRegularFile(file, what);
  try {
    const fail = failWith(file);
    const first8 = f.size >= 8 ? readExactly(f, 0, 8) : new Uint8Array(8);
    const n = headerLength(first8, f.size, fail);
    const header = parseHeader(readExactly(f, 8, n), f.size, fail);
    return {
      file,
      header,
      read: (options: DecodeOptions = {}) => decodeData(header, readExactly(f, header.dataStart, f.size - header.dataStart), fail, options),
      close: () => fs.closeSync(f.fd),
    };
  } catch (err) {
    fs.closeSync(f.fd);
    throw err;
  }
}

/**
 * The same view of safetensors bytes held in memory (a model's artifacts): the header validated now, the
 * data decoded by `read()`. `file` is the name used in messages.
 * @throws ModelFormatError as {@link decodeSafetensors}.
 */
export function openSafetensorsBytes(bytes: Uint8Array, source: string): SafetensorsFile {
  const fail = failWith(source);
  const n = headerLength(bytes, bytes.length, fail);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length, fail);
  return { file: source, header, read: (options: DecodeOptions = {}) => decodeData(header, bytes.subarray(header.dataStart), fail, options), close: () => undefined };
}

/** Reads and validates a safetensors file (see {@link openSafetensors} and {@link decodeSafetensors}). */
export function readSafetensors(file: string, options: DecodeOptions = {}): SafetensorsContent {
  const st = openSafetensors(file);
  try {
    return st.read(options);
  } finally {
    st.close();
  }
}
