/**
 * A protobuf (proto2/proto3 wire format) encoder: the few field kinds the ONNX and TensorBoard writers need.
 *
 * | wire type | id | fields written with                                                      |
 * | --------- | -- | ------------------------------------------------------------------------ |
 * | varint    | 0  | `varint` (int32/int64/uint64/enum/bool), `sint` (sint32/sint64, zigzag)   |
 * | fixed64   | 1  | `double`                                                                 |
 * | length    | 2  | `bytes`, `string`, `message`, `packedFloats`, `packedDoubles`, `packedVarints` |
 * | fixed32   | 5  | `float`                                                                  |
 *
 * Each field is a key varint `(fieldNumber << 3) | wireType` followed by its value. Large byte arrays (weights)
 * are kept by reference and copied once, by `finish`; a nested message is a writer of its own whose chunks are
 * appended behind its length, so nesting copies nothing either.
 */
import { ValueError, describe } from '../../errors';

/** Wire types of the protobuf encoding. */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

const SCRATCH_SIZE = 4096;
/** Byte arrays at least this long are kept by reference instead of copied into the scratch chunk. */
const BY_REFERENCE = 1024;
const TWO_64 = 1n << 64n;
const utf8 = new TextEncoder();

/** Encodes one protobuf message; fields are written in the order of the calls. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(SCRATCH_SIZE);
  private view = new DataView(this.scratch.buffer);
  private used = 0;
  private total = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.total;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    this.flushScratch();
    if (n > this.scratch.length) {
      this.scratch = new Uint8Array(n);
      this.view = new DataView(this.scratch.buffer);
    }
  }

  private flushScratch(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.used));
    this.scratch = new Uint8Array(SCRATCH_SIZE);
    this.view = new DataView(this.scratch.buffer);
    this.used = 0;
  }

  private byte(b: number): void {
    this.scratch[this.used++] = b;
    this.total++;
  }

  /** The raw varint of a non-negative integer (< 2^64) or of a negative one as its 64-bit two's complement (10 bytes). */
  rawVarint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new ValueError(`protobuf: a varint must be an integer, got ${describe(value)}`);
      if (value >= 0 && value <= 0xffffffff) {
        this.reserve(5);
        let v = value;
        while (v > 0x7f) {
          this.byte((v & 0x7f) | 0x80);
          v = Math.floor(v / 128);
        }
        this.byte(v);
        return;
      }
      if (!Number.isSafeInteger(value)) throw new ValueError(`protobuf: a varint given as a number must be a safe integer, got ${describe(value)}`);
    }
    let v = BigInt(value);
    if (v < 0n) v += TWO_64;
    if (v < 0n || v >= TWO_64) throw new ValueError(`protobuf: ${value} does not fit 64 bits`);
    this.reserve(10);
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  /** The key of field `field` with wire type `wire`. */
  tag(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new ValueError(`protobuf: field number must be an integer in [1, 2^29 - 1], got ${describe(field)}`);
    this.rawVarint(field * 8 + wire);
  }

  /** An int32 / int64 / uint64 / enum / bool field (negative values take 10 bytes, as protobuf's int64). */
  varint(field: number, value: number | bigint | boolean): this {
    this.tag(field, WireType.varint);
    this.rawVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  /** A sint32 / sint64 field: zigzag-encoded, (n << 1) ^ (n >> 63), so small negative numbers stay short. */
  sint(field: number, value: number | bigint): this {
    const v = BigInt(value);
    this.tag(field, WireType.varint);
    this.rawVarint(v >= 0n ? v * 2n : -v * 2n - 1n);
    return this;
  }

  /** A `float` field: 4 bytes, IEEE 754 single, little-endian. */
  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    this.reserve(4);
    this.view.setFloat32(this.used, value, true);
    this.used += 4;
    this.total += 4;
    return this;
  }

  /** A `double` field: 8 bytes, IEEE 754 double, little-endian. */
  double(field: number, value: number): this {
    this.tag(field, WireType.fixed64);
    this.reserve(8);
    this.view.setFloat64(this.used, value, true);
    this.used += 8;
    this.total += 8;
    return this;
  }

  private raw(bytes: Uint8Array): void {
    if (bytes.length >= BY_REFERENCE) {
      this.flushScratch();
      this.chunks.push(bytes);
    } else {
      this.reserve(bytes.length);
      this.scratch.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.total += bytes.length;
  }

  /** A `bytes` field (kept by reference when large: do not change `bytes` before `finish`). */
  bytes(field: number, bytes: Uint8Array): this {
    this.tag(field, WireType.lengthDelimited);
    this.rawVarint(bytes.length);
    this.raw(bytes);
    return this;
  }

  /** A `string` field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message field: `fill` writes the message's fields into a writer of its own. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    fill(inner);
    return this.embed(field, inner);
  }

  /** An embedded message field from a finished-or-not writer (its chunks are appended, not copied). */
  embed(field: number, inner: ProtoWriter): this {
    inner.flushScratch();
    this.tag(field, WireType.lengthDelimited);
    this.rawVarint(inner.total);
    this.flushScratch();
    for (const c of inner.chunks) this.chunks.push(c);
    this.total += inner.total;
    return this;
  }

  /** A packed `repeated float` field (skipped when empty, as protobuf does). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 4);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
    return this.bytes(field, bytes);
  }

  /** A packed `repeated double` field (skipped when empty). */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 8);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat64(i * 8, values[i], true);
    return this.bytes(field, bytes);
  }

  /** A packed `repeated int32/int64/uint64` field (skipped when empty). */
  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i]);
    return this.embed(field, inner);
  }

  /** The encoded message in one array. */
  finish(): Uint8Array {
    this.flushScratch();
    if (this.chunks.length === 1) return this.chunks[0].slice();
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
