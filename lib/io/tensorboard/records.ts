/**
 * TFRecord framing, the container of TensorBoard event files: each record is a uint64 little-endian length n,
 * the masked CRC-32C of those 8 bytes (uint32 LE), n bytes of data, and the masked CRC-32C of the data.
 */
import { ModelFormatError } from '../../errors';
import { maskedCrc32c } from './crc32c';

/** One framed record holding `data`. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/**
 * The data of every record in `bytes`, both CRCs checked. `what` names the file in errors.
 * @throws ModelFormatError for a truncated record or a CRC that does not match.
 */
export function decodeRecords(bytes: Uint8Array, what: string): Uint8Array[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new ModelFormatError(`${what}: truncated record header at byte ${at}`);
    if (dv.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new ModelFormatError(`${what}: length CRC mismatch at byte ${at}`);
    const n = dv.getBigUint64(at, true);
    if (n > BigInt(bytes.length - at - 16)) throw new ModelFormatError(`${what}: record at byte ${at} claims ${n} bytes, more than the file holds`);
    const data = bytes.subarray(at + 12, at + 12 + Number(n));
    if (dv.getUint32(at + 12 + data.length, true) !== maskedCrc32c(data)) throw new ModelFormatError(`${what}: data CRC mismatch in the record at byte ${at}`);
    out.push(data);
    at += 16 + data.length;
  }
  return out;
}
