/** Writes float32 tensors in the safetensors format, atomically (temporary file, then rename). */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';
import { isFloat32Array } from '../tensor/typed-arrays';
import { bestEffort, ioCall } from './fs-errors';
import { writeDurable } from './atomic-folder';

/** A named float32 array to store: a Tensor or its values with a shape. */
export type NamedArray = { name: string; tensor: Tensor } | { name: string; data: Float32Array; shape: number[] };

/**
 * Encodes tensors as safetensors bytes: an 8-byte little-endian header length N, a UTF-8 JSON header of N
 * bytes (padded with spaces to a multiple of 8) mapping each name to `{dtype: "F32", shape, data_offsets:
 * [begin, end]}` plus an optional `__metadata__` of string values, then the raw little-endian data, tensors
 * back to back in the given order.
 * The bytes are a Node `Buffer` at run time, typed as `Uint8Array` so that the declarations need no Node types.
 * @throws ValueError for duplicate or empty names, non-string metadata values, or data that does not match its shape.
 */
export function encodeSafetensors(arrays: NamedArray[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new ValueError(`safetensors: metadata.${k} must be a string, got ${describe(v)}`);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    if (typeof a.name !== 'string' || a.name === '' || a.name === '__metadata__') {
      throw new ValueError(`safetensors: tensor names must be non-empty strings other than __metadata__, got ${describe(a.name)}`);
    }
    if (a.name in header) throw new ValueError(`safetensors: duplicate tensor name ${JSON.stringify(a.name)}`);
    const { data, shape } = 'tensor' in a ? { data: a.tensor.dataSync(), shape: a.tensor.shape.slice() } : a;
    if (!isFloat32Array(data) || data.length !== shape.reduce((p, d) => p * d, 1)) {
      throw new ValueError(`safetensors: ${a.name} must be a Float32Array of ${shape.reduce((p, d) => p * d, 1)} values for shape [${shape.join(', ')}], got ${describe(data)}`);
    }
    header[a.name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    chunks.push(data);
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const headerBuf = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBuf.length + offset);
  out.writeBigUInt64LE(BigInt(headerBuf.length), 0);
  headerBuf.copy(out, 8);
  let pos = 8 + headerBuf.length;
  for (const c of chunks) {
    const bytes = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (!littleEndian) for (let i = 0; i < c.length; i++) out.writeFloatLE(c[i], pos + 4 * i);
    else bytes.copy(out, pos);
    pos += c.byteLength;
  }
  return out;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes `bytes` to `file` atomically and durably: to a temporary name in the same folder, fsynced, then
 * renamed into place, so a crash never leaves a half-written file under the final name.
 * @throws IOError when the file system refuses (the previous file is then untouched).
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const owner = 'writeSafetensors';
  try {
    writeDurable(tmp, bytes, owner);
    ioCall(owner, 'rename into place', file, () => fs.renameSync(tmp, file));
  } catch (err) {
    bestEffort(() => fs.rmSync(tmp, { force: true }));
    throw err;
  }
}

/** Writes tensors to a safetensors file (see {@link encodeSafetensors}) atomically. */
export function writeSafetensors(file: string, arrays: NamedArray[], metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(arrays, metadata));
}
