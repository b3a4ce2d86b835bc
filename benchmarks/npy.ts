/**
 * A minimal .npy (NumPy format version 1.0) writer and reader for float32 and int32 arrays, little-endian,
 * C order. Benchmarks hand data and initial weights to every framework through these files, so each one
 * starts from the same bytes. Format: magic `\x93NUMPY`, version 1.0, a uint16 header length, then a
 * Python-dict header padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw data.
 */
import * as fs from 'fs';

/** An array read from or written to a .npy file. */
export interface NpyArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

function header(descr: '<f4' | '<i4', shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const fixed = MAGIC.length + 2 + 2;
  const total = Math.ceil((fixed + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - fixed - 1, ' ') + '\n';
  const out = Buffer.alloc(total);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(dict.length, 8);
  out.write(dict, fixed, 'latin1');
  return out;
}

/** Writes `data` with `shape` to `file` as a .npy array (float32 `<f4` or int32 `<i4`). */
export function writeNpy(file: string, data: Float32Array | Int32Array, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`writeNpy: shape [${shape.join(', ')}] holds ${size} values, data has ${data.length}`);
  const head = header(data instanceof Float32Array ? '<f4' : '<i4', shape);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, head);
    fs.writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a .npy file written by {@link writeNpy} or NumPy (float32 or int32, little-endian, C order).
 * The returned array views the file's bytes when they are aligned (no second copy).
 */
export function readNpy(file: string): NpyArray {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) throw new Error(`readNpy: ${file} is not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const dict = bytes.subarray(major === 1 ? 10 : 12, start).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (!descr || fortran === undefined || shapeText === undefined) throw new Error(`readNpy: ${file}: unreadable header ${dict}`);
  if (fortran === 'True') throw new Error(`readNpy: ${file}: Fortran order is not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = bytes.byteOffset + start;
  let data: Float32Array | Int32Array;
  if (descr === '<f4') {
    data = offset % 4 === 0 ? new Float32Array(bytes.buffer, offset, size) : new Float32Array(bytes.buffer.slice(offset, offset + 4 * size));
  } else if (descr === '<i4') {
    data = offset % 4 === 0 ? new Int32Array(bytes.buffer, offset, size) : new Int32Array(bytes.buffer.slice(offset, offset + 4 * size));
  } else {
    throw new Error(`readNpy: ${file}: dtype ${descr} is not supported (float32 '<f4' or int32 '<i4')`);
  }
  return { data, shape };
}
