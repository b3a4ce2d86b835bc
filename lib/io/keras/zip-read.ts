/**
 * A small reader of untrusted zip archives held in memory (what a Keras `.keras` file is): the central
 * directory is read from the end record, every offset and size is checked against the buffer before it is
 * used, and an entry is extracted only on demand, stored (method 0) or deflated (method 8, through
 * `node:zlib`), never past its declared size nor past the caller's limit, and checked against its CRC-32.
 *
 * Refused with a ModelFormatError naming the archive and the entry: a missing or truncated end record or
 * central directory, offsets or sizes outside the file, ZIP64 and multi-disk archives, encrypted entries,
 * other compression methods, names that are absolute, hold `..`, a backslash or a NUL, or repeat, more than
 * {@link MAX_ZIP_ENTRIES} entries, a declared size above the limit (a zip bomb), inflated data that is not
 * exactly the declared size, and a wrong CRC-32.
 */
import { inflateRawSync } from 'zlib';
import { ModelFormatError } from '../../errors';

/** Most entries an archive may list (a `.keras` file has three). */
export const MAX_ZIP_ENTRIES = 4096;
/** Longest entry name, in bytes. */
export const MAX_ZIP_NAME_BYTES = 1024;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

/** One entry of the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header in the archive. */
  localOffset: number;
}

/** An archive whose directory was read and checked; entries are extracted with `read`. */
export interface ZipArchive {
  entries: ReadonlyMap<string, ZipEntry>;
  /**
   * The bytes of entry `name`, at most `maxBytes` long.
   * @throws ModelFormatError for a missing entry, one larger than `maxBytes`, or damaged data.
   */
  read(name: string, maxBytes: number): Uint8Array;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function findEndRecord(view: DataView, source: string): number {
  const last = view.byteLength - EOCD_SIZE;
  if (last < 0) throw new ModelFormatError(`${source}: ${view.byteLength} bytes is too short for a zip archive (truncated?)`);
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_SIZE + view.getUint16(at + 20, true) === view.byteLength) return at;
  }
  throw new ModelFormatError(`${source}: no zip end record found; the file is not a zip archive or is truncated`);
}

function checkName(raw: Uint8Array, source: string): string {
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ModelFormatError(`${source}: an entry name is not valid UTF-8`);
  }
  const shown = JSON.stringify(name.slice(0, 80));
  if (name === '' || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.includes('\0')) {
    throw new ModelFormatError(`${source}: entry name ${shown} is empty, absolute or holds a backslash or NUL`);
  }
  if (name.split('/').some((part) => part === '..')) throw new ModelFormatError(`${source}: entry name ${shown} climbs out of the archive with ..`);
  return name;
}

/**
 * Reads the central directory of the zip archive `bytes` (see the file comment for every check).
 * `source` names the archive in errors.
 * @throws ModelFormatError naming the problem.
 */
export function openZip(bytes: Uint8Array, source: string): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndRecord(view, source);
  const disk = view.getUint16(end + 4, true);
  const cdDisk = view.getUint16(end + 6, true);
  const onDisk = view.getUint16(end + 8, true);
  const count = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ModelFormatError(`${source}: ZIP64 archives are not supported (save a smaller model, or unzip and re-zip it)`);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ModelFormatError(`${source}: multi-disk (split) zip archives are not supported`);
  if (count > MAX_ZIP_ENTRIES) throw new ModelFormatError(`${source}: ${count} entries, more than the ${MAX_ZIP_ENTRIES} allowed`);
  if (cdOffset + cdSize > end) throw new ModelFormatError(`${source}: the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past the end record at ${end}; the file is truncated or damaged`);
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ModelFormatError(`${source}: central directory entry ${i} at offset ${at} is missing or damaged`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) throw new ModelFormatError(`${source}: central directory entry ${i} runs past the directory's end`);
    if (nameLength > MAX_ZIP_NAME_BYTES) throw new ModelFormatError(`${source}: entry ${i} has a name of ${nameLength} bytes, more than ${MAX_ZIP_NAME_BYTES}`);
    const name = checkName(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength), source);
    const where = `${source}: entry ${JSON.stringify(name)}`;
    if (flags & 1) throw new ModelFormatError(`${where} is encrypted`);
    if (method !== 0 && method !== 8) throw new ModelFormatError(`${where} uses compression method ${method}; only stored (0) and deflate (8) are read`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new ModelFormatError(`${where} needs ZIP64, which is not supported`);
    if (method === 0 && compressedSize !== size) throw new ModelFormatError(`${where} is stored but declares ${compressedSize} stored bytes for ${size} bytes of content`);
    if (localOffset + LOCAL_SIZE > cdOffset) throw new ModelFormatError(`${where}: local header offset ${localOffset} is outside the archive's data`);
    if (entries.has(name)) throw new ModelFormatError(`${where} appears twice`);
    entries.set(name, { name, method, compressedSize, size, crc32: crc, localOffset });
    at = next;
  }

  const read = (name: string, maxBytes: number): Uint8Array => {
    const e = entries.get(name);
    const where = `${source}: entry ${JSON.stringify(name)}`;
    if (!e) throw new ModelFormatError(`${source}: the archive has no ${name} (it holds ${[...entries.keys()].slice(0, 8).join(', ') || 'nothing'})`);
    if (e.size > maxBytes) throw new ModelFormatError(`${where} declares ${e.size} bytes, more than the ${maxBytes} allowed`);
    const o = e.localOffset;
    if (view.getUint32(o, true) !== LOCAL_SIGNATURE) throw new ModelFormatError(`${where}: no local header at offset ${o}`);
    const start = o + LOCAL_SIZE + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
    if (start + e.compressedSize > cdOffset) throw new ModelFormatError(`${where}: its ${e.compressedSize} bytes at offset ${start} run past the archive's data; the file is truncated or damaged`);
    const raw = bytes.subarray(start, start + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) out = raw;
    else {
      try {
        // maxOutputLength bounds what inflate may produce, whatever the compressed stream claims.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new ModelFormatError(`${where}: deflate data is damaged or larger than the declared ${e.size} bytes (${(err as Error).message})`);
      }
    }
    if (out.byteLength !== e.size) throw new ModelFormatError(`${where}: holds ${out.byteLength} bytes, the directory declares ${e.size}`);
    if (crc32(out) !== e.crc32) throw new ModelFormatError(`${where}: CRC-32 mismatch; the file is damaged`);
    return out;
  };
  return { entries, read };
}
