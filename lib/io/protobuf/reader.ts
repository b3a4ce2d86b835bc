/**
 * A protobuf wire-format decoder: reads the fields of one message in order (see writer.ts for the wire types).
 * It knows no schema: the caller says how to read each field (`varint`, `double`, `bytes`, a nested message...).
 * Every read is bounds-checked: a truncated or hostile message is a ModelFormatError naming `what`, never a
 * read past the end or a huge allocation.
 */
import { ModelFormatError } from '../../errors';
import { WireType } from './writer';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** One field of a message: its number, wire type and where its value starts. */
export interface ProtoField {
  field: number;
  wire: number;
}

/** Reads the fields of one encoded message. */
export class ProtoReader {
  private at: number;
  private readonly end: number;
  private readonly view: DataView;

  /** `what` names the message in errors ('onnx ModelProto', 'tensorboard Event', ...). */
  constructor(private readonly buf: Uint8Array, private readonly what: string, start = 0, end = buf.length) {
    this.at = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private fail(msg: string): never {
    throw new ModelFormatError(`${this.what}: ${msg} at byte ${this.at}`);
  }

  /** True while fields remain. */
  get more(): boolean {
    return this.at < this.end;
  }

  /** A varint as a bigint (up to 64 bits). */
  rawVarintBig(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.at >= this.end) this.fail('truncated varint');
      const b = this.buf[this.at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result & ((1n << 64n) - 1n);
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A varint as a number; ModelFormatError when it is above 2^53. */
  rawVarint(): number {
    const v = this.rawVarintBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`varint ${v} too large`);
    return Number(v);
  }

  /** The next field's key, or null at the end of the message. */
  next(): ProtoField | null {
    if (this.at >= this.end) return null;
    const key = this.rawVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) this.fail('field number 0');
    return { field, wire };
  }

  private expect(f: ProtoField, wire: number): void {
    if (f.wire !== wire) this.fail(`field ${f.field} has wire type ${f.wire}, expected ${wire}`);
  }

  /** A varint field as a number (int32, uint32, enum, bool, int64 within 2^53). */
  varint(f: ProtoField): number {
    this.expect(f, WireType.varint);
    return this.rawVarint();
  }

  /** A varint field as a signed 64-bit bigint (int64: two's complement). */
  int64(f: ProtoField): bigint {
    this.expect(f, WireType.varint);
    return BigInt.asIntN(64, this.rawVarintBig());
  }

  /** A zigzag (sint32 / sint64) field. */
  sint(f: ProtoField): bigint {
    this.expect(f, WireType.varint);
    const v = this.rawVarintBig();
    return (v & 1n) === 0n ? v >> 1n : -((v + 1n) >> 1n);
  }

  private take(n: number): number {
    if (n < 0 || this.at + n > this.end) this.fail(`a value of ${n} bytes runs past the end (${this.end})`);
    const start = this.at;
    this.at += n;
    return start;
  }

  /** A `float` (fixed32) field. */
  float(f: ProtoField): number {
    this.expect(f, WireType.fixed32);
    return this.view.getFloat32(this.take(4), true);
  }

  /** A `double` (fixed64) field. */
  double(f: ProtoField): number {
    this.expect(f, WireType.fixed64);
    return this.view.getFloat64(this.take(8), true);
  }

  /** A length-delimited field's bytes (a view into the buffer, not a copy). */
  bytes(f: ProtoField): Uint8Array {
    this.expect(f, WireType.lengthDelimited);
    const n = this.rawVarint();
    const start = this.take(n);
    return this.buf.subarray(start, start + n);
  }

  /** A `string` field (UTF-8). */
  string(f: ProtoField): string {
    return utf8.decode(this.bytes(f));
  }

  /** An embedded message field, as a reader of its own. */
  message(f: ProtoField, what: string): ProtoReader {
    const b = this.bytes(f);
    return new ProtoReader(b, `${this.what} > ${what}`);
  }

  /** A repeated float field, packed (one length-delimited run) or not (one fixed32). */
  floats(f: ProtoField): number[] {
    if (f.wire === WireType.fixed32) return [this.float(f)];
    const b = this.bytes(f);
    if (b.length % 4 !== 0) this.fail(`packed floats of ${b.length} bytes`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: b.length / 4 }, (_, i) => dv.getFloat32(i * 4, true));
  }

  /** A repeated double field, packed or not. */
  doubles(f: ProtoField): number[] {
    if (f.wire === WireType.fixed64) return [this.double(f)];
    const b = this.bytes(f);
    if (b.length % 8 !== 0) this.fail(`packed doubles of ${b.length} bytes`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: b.length / 8 }, (_, i) => dv.getFloat64(i * 8, true));
  }

  /** A repeated int64 field, packed or not, as signed bigints. */
  int64s(f: ProtoField): bigint[] {
    if (f.wire === WireType.varint) return [this.int64(f)];
    const inner = new ProtoReader(this.bytes(f), `${this.what} > packed field ${f.field}`);
    const out: bigint[] = [];
    while (inner.more) out.push(BigInt.asIntN(64, inner.rawVarintBig()));
    return out;
  }

  /** Skips a field of any wire type (unknown fields). */
  skip(f: ProtoField): void {
    switch (f.wire) {
      case WireType.varint: this.rawVarintBig(); return;
      case WireType.fixed64: this.take(8); return;
      case WireType.lengthDelimited: this.take(this.rawVarint()); return;
      case WireType.fixed32: this.take(4); return;
      default: this.fail(`unsupported wire type ${f.wire} (field ${f.field})`);
    }
  }
}
