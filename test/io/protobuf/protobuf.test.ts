/**
 * The protobuf writer and reader against the byte sequences of the protobuf encoding guide
 * (protobuf.dev/programming-guides/encoding): varints, zigzag, negative int64, strings, fixed32/64, packed fields;
 * and round trips through both with hostile inputs rejected.
 */
import { ModelFormatError } from '../../../lib/errors';
import { ProtoReader } from '../../../lib/io/protobuf/reader';
import { ProtoWriter } from '../../../lib/io/protobuf/writer';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/ /g, ''), 'hex'));

describe('ProtoWriter: the encoding guide examples', () => {
  test('field 1 = 150 is 08 96 01', () => {
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('089601');
  });

  test('field 2 = "testing" is 12 07 74 65 73 74 69 6e 67', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
  });

  test('an embedded message: field 3 = { 1: 150 } is 1a 03 08 96 01', () => {
    expect(hex(new ProtoWriter().message(3, (m) => m.varint(1, 150)).finish())).toBe('1a03089601');
  });

  test('packed repeated int32 field 4 = [3, 270, 86942] is 22 06 03 8e 02 9e a7 05', () => {
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toBe('2206038e029ea705');
  });

  test('int64 -2 takes ten bytes (two\'s complement); sint -2 zigzags to 3', () => {
    expect(hex(new ProtoWriter().varint(1, -2).finish())).toBe('08feffffffffffffffff01');
    expect(hex(new ProtoWriter().sint(1, -2).finish())).toBe('0803');
    expect(hex(new ProtoWriter().sint(1, 2147483647).finish())).toBe('08feffffff0f');
    expect(hex(new ProtoWriter().sint(1, -2147483648).finish())).toBe('08ffffffff0f');
  });

  test('uint64 max and 2^53 + 1 as bigints', () => {
    expect(hex(new ProtoWriter().varint(1, (1n << 64n) - 1n).finish())).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(1, (1n << 53n) + 1n).finish())).toBe('088180808080808010');
  });

  test('float 1.5 is fixed32 0000c03f; double 0.1 is fixed64 9a9999999999b93f', () => {
    expect(hex(new ProtoWriter().float(1, 1.5).finish())).toBe('0d0000c03f');
    expect(hex(new ProtoWriter().double(2, 0.1).finish())).toBe('119a9999999999b93f');
  });

  test('rejects field 0, fractional varints and unsafe numbers', () => {
    expect(() => new ProtoWriter().varint(0, 1)).toThrow(/field number/);
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(/integer/);
    expect(() => new ProtoWriter().varint(1, 2 ** 60)).toThrow(/safe integer/);
  });
});

describe('ProtoReader', () => {
  test('round trip of every field kind, large byte arrays included', () => {
    const big = new Uint8Array(5000).map((_, i) => i % 251);
    const w = new ProtoWriter()
      .varint(1, 150).varint(2, -7).sint(3, -123456789).float(4, -2.5).double(5, Math.PI)
      .string(6, 'héllo').bytes(7, big).packedFloats(8, [1, -0.5, 3.25]).packedDoubles(9, [1e-300, -2])
      .packedVarints(10, [-1, 0, 2 ** 40]).message(11, (m) => m.string(1, 'inner').varint(2, 9));
    const data = w.finish();
    expect(data.length).toBe(w.length);
    const r = new ProtoReader(data, 'test');
    const seen: Record<number, unknown> = {};
    for (let f = r.next(); f; f = r.next()) {
      switch (f.field) {
        case 1: seen[1] = r.varint(f); break;
        case 2: seen[2] = r.int64(f); break;
        case 3: seen[3] = r.sint(f); break;
        case 4: seen[4] = r.float(f); break;
        case 5: seen[5] = r.double(f); break;
        case 6: seen[6] = r.string(f); break;
        case 7: seen[7] = Buffer.from(r.bytes(f)).equals(Buffer.from(big)); break;
        case 8: seen[8] = r.floats(f); break;
        case 9: seen[9] = r.doubles(f); break;
        case 10: seen[10] = r.int64s(f); break;
        case 11: {
          const m = r.message(f, 'inner');
          const inner: unknown[] = [];
          for (let g = m.next(); g; g = m.next()) inner.push(g.field === 1 ? m.string(g) : m.varint(g));
          seen[11] = inner;
          break;
        }
        default: r.skip(f);
      }
    }
    expect(seen).toEqual({
      1: 150, 2: -7n, 3: -123456789n, 4: -2.5, 5: Math.PI, 6: 'héllo', 7: true, 8: [1, -0.5, 3.25], 9: [1e-300, -2],
      10: [-1n, 0n, BigInt(2 ** 40)], 11: ['inner', 9],
    });
  });

  test('unknown fields are skipped', () => {
    const data = new ProtoWriter().double(9, 1).float(8, 2).string(7, 'x').varint(1, 5).finish();
    const r = new ProtoReader(data, 'test');
    let value = -1;
    for (let f = r.next(); f; f = r.next()) if (f.field === 1) value = r.varint(f); else r.skip(f);
    expect(value).toBe(5);
  });

  test('truncated and hostile messages: ModelFormatError, no read past the end', () => {
    const read = (h: string, how: (r: ProtoReader, f: NonNullable<ReturnType<ProtoReader['next']>>) => unknown): unknown => {
      const r = new ProtoReader(bytes(h), 'hostile');
      const f = r.next();
      return f && how(r, f);
    };
    expect(() => read('0896', (r, f) => r.varint(f))).toThrow(ModelFormatError);  // varint cut short
    expect(() => read('12ffffffff0f', (r, f) => r.bytes(f))).toThrow(/runs past the end/);  // 4 GB length
    expect(() => read('0d0000', (r, f) => r.float(f))).toThrow(ModelFormatError);
    expect(() => read('08ffffffffffffffffffff01', (r, f) => r.varint(f))).toThrow(/longer than 10 bytes/);
    expect(() => read('0a0101', (r, f) => r.varint(f))).toThrow(/wire type 2, expected 0/);
    expect(() => read('0f', (r, f) => r.skip(f))).toThrow(/unsupported wire type 7/);
    expect(() => read('00', (r, f) => r.skip(f))).toThrow(/field number 0/);
  });
});
