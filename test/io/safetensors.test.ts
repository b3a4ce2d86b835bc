/** safetensors writer and reader: golden bytes from the Python safetensors 0.8.0 package, round trips, hostile files. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeSafetensors, readSafetensors } from '../../lib/io/safetensors-read';
import { encodeSafetensors, writeSafetensors } from '../../lib/io/safetensors-write';
import { ModelFormatError } from '../../lib/errors';

// safetensors.numpy.save({'w': [[1.5, -2], [3, 4]], 'b': [0.25]} as float32, metadata={'format': 'np'}), safetensors 0.8.0
const GOLDEN = Buffer.from(
  '90000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a226e70227d2c2262223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b302c345d7d2c2277223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b342c32305d7d7d2020200000803e0000c03f000000c00000404000008040',
  'hex');

/** Builds a file from a header object (or raw header text) and a data section. */
function file(header: unknown, data: Buffer | number[] = [], lengthOverride?: bigint): Buffer {
  const h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(h.length));
  const d = Buffer.isBuffer(data) ? data : Buffer.from(new Float32Array(data).buffer);
  return Buffer.concat([len, h, d]);
}

describe('safetensors', () => {
  test('reads a file written by the Python safetensors package', () => {
    const { tensors, metadata } = decodeSafetensors(GOLDEN);
    expect(metadata).toEqual({ format: 'np' });
    expect(tensors.get('w')).toEqual({ shape: [2, 2], data: Float32Array.from([1.5, -2, 3, 4]) });
    expect(tensors.get('b')).toEqual({ shape: [1], data: Float32Array.from([0.25]) });
  });

  test('writes the same bytes as the Python package for the same content and order', () => {
    const bytes = encodeSafetensors([
      { name: 'b', data: Float32Array.from([0.25]), shape: [1] },
      { name: 'w', data: Float32Array.from([1.5, -2, 3, 4]), shape: [2, 2] },
    ], { format: 'np' });
    expect(Buffer.from(bytes).toString('hex')).toBe(GOLDEN.toString('hex'));
  });

  test('round trip through a file, incl. a scalar and an empty tensor; the write is atomic', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-st-'));
    try {
      const f = path.join(dir, 'w.safetensors');
      const big = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3);
      writeSafetensors(f, [
        { name: 'layer/kernel', data: big, shape: [10, 100] },
        { name: 's', data: Float32Array.of(-0), shape: [] },
        { name: 'empty', data: new Float32Array(0), shape: [0, 3] },
      ], { version: '1' });
      const { tensors, metadata } = readSafetensors(f);
      expect(metadata).toEqual({ version: '1' });
      expect(tensors.get('layer/kernel')!.data).toEqual(big);
      expect(tensors.get('s')!.shape).toEqual([]);
      expect(tensors.get('empty')!.shape).toEqual([0, 3]);
      expect(fs.readdirSync(dir)).toEqual(['w.safetensors']);
      expect(Number(fs.readFileSync(f).readBigUInt64LE(0)) % 8).toBe(0); // data starts 8-byte aligned
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const entry = (shape: unknown, offsets: unknown, dtype: unknown = 'F32') => ({ dtype, shape, data_offsets: offsets });
  const hostile: [string, Buffer, RegExp][] = [
    ['empty file', Buffer.alloc(0), /fewer than the 8-byte/],
    ['truncated data', GOLDEN.subarray(0, GOLDEN.length - 4), /past the end|truncated/],
    ['truncated header', GOLDEN.subarray(0, 40), /larger than the file/],
    ['header length larger than the file', file({}, [], 1000n), /larger than the file/],
    ['huge header length (2^64 - 1)', file({}, [], 0xffffffffffffffffn), /header length/],
    ['header length 0', file('', [], 0n), /header length/],
    ['not JSON', file('{"a": nope}'), /not valid JSON/],
    ['NaN in the header', file('{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 4]}}', [1]), /not valid JSON/],
    ['a JSON array', file('[1, 2]'), /JSON object/],
    ['invalid UTF-8', Buffer.concat([file('{"\u00e9": 1}').subarray(0, 10), Buffer.from([0xff, 0xfe]), file('{"\u00e9": 1}').subarray(12)]), /UTF-8/],
    ['wrong dtype', file({ a: entry([1], [0, 4], 'F64') }, [1]), /dtype "F64"/],
    ['negative dimension', file({ a: entry([-1], [0, 4]) }, [1]), /non-negative integers/],
    ['fractional dimension', file({ a: entry([1.5], [0, 4]) }, [1]), /non-negative integers/],
    ['huge dimension', file({ a: entry([1e300, 1e300], [0, 4]) }, [1]), /non-negative integers|more bytes/],
    ['shape/size mismatch', file({ a: entry([2], [0, 4]) }, [1]), /needs 8 bytes but data_offsets cover 4/],
    ['offsets beyond the data', file({ a: entry([1], [4, 8]) }, [1]), /past the end/],
    ['reversed offsets', file({ a: entry([0], [4, 0]) }, [1]), /begin <= end/],
    ['overlapping offsets', file({ a: entry([2], [0, 8]), b: entry([2], [4, 12]) }, [1, 2, 3]), /overlap/],
    ['gap between tensors', file({ a: entry([1], [0, 4]), b: entry([1], [8, 12]) }, [1, 2, 3]), /gap/],
    ['trailing bytes', file({ a: entry([1], [0, 4]) }, [1, 2]), /trailing/],
    ['extra key', file({ a: { ...entry([1], [0, 4]), extra: 1 } }, [1]), /exactly the keys/],
    ['missing key', file({ a: { dtype: 'F32', shape: [1] } }, [1]), /exactly the keys/],
    ['entry not an object', file({ a: 3 }, []), /must be an object/],
    ['metadata value not a string', file({ __metadata__: { v: 1 } }), /must be a string/],
    ['NaN in the data', file({ a: entry([2], [0, 8]) }, [1, NaN]), /NaN at index 1/],
    ['infinity in the data', file({ a: entry([1], [0, 4]) }, [Infinity]), /Infinity/],
  ];
  test.each(hostile)('%s is a ModelFormatError', (_name, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(ModelFormatError);
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(message);
  });

  test('a missing file is a ModelFormatError naming it', () => {
    expect(() => readSafetensors('/nonexistent/x.safetensors')).toThrow(/nonexistent\/x.safetensors/);
  });
});
