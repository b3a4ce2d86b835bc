/**
 * The zip reader of lib/io/keras on archives Keras wrote (Python's zipfile: stored, and re-zipped with deflate)
 * and on copies damaged field by field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ModelFormatError } from '../../../lib/errors';
import { crc32, openZip } from '../../../lib/io/keras/zip-read';
import { buildZip } from '../../helpers/zip-build';

const DIR = path.join(__dirname, '../../fixtures/keras');
const stored = new Uint8Array(fs.readFileSync(path.join(DIR, 'mlp.keras')));
const deflated = new Uint8Array(fs.readFileSync(path.join(DIR, 'mlp_deflate.keras')));

/** Offsets of the end record and of the central directory entries of an archive. */
function layout(bytes: Uint8Array): { end: number; central: number[] } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (v.getUint32(end, true) !== 0x06054b50) end--;
  const central: number[] = [];
  let at = v.getUint32(end + 16, true);
  for (let i = 0; i < v.getUint16(end + 10, true); i++) {
    central.push(at);
    at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return { end, central };
}

function patched(bytes: Uint8Array, edit: (v: DataView, l: ReturnType<typeof layout>) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), layout(copy));
  return copy;
}

function failure(bytes: Uint8Array, read = 'config.json', max = 1 << 20): string {
  try {
    openZip(bytes, 'test.keras').read(read, max);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFormatError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('openZip on files Keras wrote', () => {
  test('lists the three entries of a .keras file and reads them, stored and deflated alike', () => {
    const a = openZip(stored, 'mlp.keras');
    const b = openZip(deflated, 'mlp_deflate.keras');
    expect([...a.entries.keys()].sort()).toEqual(['config.json', 'metadata.json', 'model.weights.h5']);
    expect(a.entries.get('config.json')!.method).toBe(0);
    expect(b.entries.get('config.json')!.method).toBe(8);
    for (const name of a.entries.keys()) expect(Buffer.from(b.read(name, 1 << 20)).equals(Buffer.from(a.read(name, 1 << 20)))).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(a.read('metadata.json', 1024))).keras_version).toMatch(/^3\./);
  });

  test('crc32 gives the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('openZip on damaged archives', () => {
  test('not a zip, or truncated anywhere', () => {
    expect(failure(new Uint8Array(10))).toMatch(/too short/);
    expect(failure(new TextEncoder().encode('x'.repeat(100)))).toMatch(/no zip end record/);
    for (const cut of [1, 30, stored.length >> 1, stored.length - 5]) expect(failure(stored.subarray(0, stored.length - cut))).toMatch(/end record|truncated|central directory/);
    // The end record kept, the data before it cut: offsets point outside what is left.
    const { end } = layout(stored);
    const tail = stored.subarray(end);
    const short = new Uint8Array(200 + tail.length);
    short.set(tail, 200);
    expect(failure(short)).toMatch(/runs past the end record/);
  });

  test('offsets and sizes outside the archive', () => {
    expect(failure(patched(stored, (v, l) => v.setUint32(l.end + 16, 0x7fffffff, true)))).toMatch(/central directory/);
    expect(failure(patched(stored, (v, l) => v.setUint32(l.central[1] + 42, stored.length - 10, true)))).toMatch(/local header offset/);
    expect(failure(patched(stored, (v, l) => v.setUint32(l.central[1] + 42, 3, true)))).toMatch(/no local header/);
    expect(failure(patched(stored, (v, l) => { v.setUint32(l.central[1] + 20, 1e8, true); v.setUint32(l.central[1] + 24, 1e8, true); }), 'config.json', 2e8)).toMatch(/run past the archive's data/);
    expect(failure(patched(stored, (v, l) => v.setUint32(l.central[1] + 24, 17, true)))).toMatch(/stored but declares/);
  });

  test('a declared size above the limit is refused before anything is inflated', () => {
    const big = patched(deflated, (v, l) => v.setUint32(l.central[1] + 24, 0xfffffff0, true));
    expect(failure(big, 'config.json', 1 << 20)).toMatch(/declares 4294967280 bytes, more than the 1048576 allowed/);
  });

  test('a zip bomb: deflate data that inflates past the declared size stops at that size', () => {
    const small = patched(deflated, (v, l) => v.setUint32(l.central[1] + 24, 100, true));
    expect(failure(small)).toMatch(/larger than the declared 100 bytes/);
    // 16 MiB of zeros compress to 16 KiB; declared as 1 KiB, inflate stops after 1 KiB.
    const bomb = buildZip([{ name: 'config.json', data: new Uint8Array(16 << 20), deflate: true, declaredSize: 1024 }]);
    expect(bomb.length).toBeLessThan(100_000);
    expect(failure(bomb, 'config.json', 1 << 30)).toMatch(/larger than the declared 1024 bytes/);
    // Declared honestly, it is refused by the caller's limit before inflating.
    const honest = buildZip([{ name: 'config.json', data: new Uint8Array(16 << 20), deflate: true }]);
    expect(failure(honest, 'config.json', 8 << 20)).toMatch(/declares 16777216 bytes, more than the 8388608 allowed/);
  });

  test('a wrong CRC-32, an encrypted entry, another method, ZIP64, multi-disk', () => {
    expect(failure(patched(stored, (v, l) => v.setUint32(l.central[1] + 16, 1234, true)))).toMatch(/CRC-32 mismatch/);
    expect(failure(patched(stored, (v, l) => v.setUint16(l.central[0] + 8, 1, true)))).toMatch(/encrypted/);
    expect(failure(patched(stored, (v, l) => v.setUint16(l.central[0] + 10, 14, true)))).toMatch(/compression method 14/);
    expect(failure(patched(stored, (v, l) => v.setUint16(l.end + 10, 0xffff, true)))).toMatch(/ZIP64/);
    expect(failure(patched(stored, (v, l) => v.setUint16(l.end + 4, 1, true)))).toMatch(/multi-disk/);
    expect(failure(patched(stored, (v, l) => v.setUint32(l.central[0] + 24, 0xffffffff, true)))).toMatch(/ZIP64/);
  });

  test('entry names that climb out, are absolute, repeat or are not UTF-8', () => {
    const data = new TextEncoder().encode('{}');
    const named = (name: string): Uint8Array => buildZip([{ name, data }, { name: 'config.json', data }]);
    expect(openZip(named('ok/name.json'), 'x').read('config.json', 10)).toEqual(data);
    expect(failure(named('../../etc/passwd'))).toMatch(/climbs out/);
    expect(failure(named('a/../../b'))).toMatch(/climbs out/);
    expect(failure(named('/etc/passwd'))).toMatch(/absolute/);
    expect(failure(named('C:/x'))).toMatch(/absolute/);
    expect(failure(named('a\\b'))).toMatch(/backslash/);
    expect(failure(named('a\0b'))).toMatch(/NUL/);
    expect(failure(named('config.json'))).toMatch(/appears twice/);
    expect(failure(named('x'.repeat(2000)))).toMatch(/name of 2000 bytes/);
    expect(failure(patched(stored, (v, l) => v.setUint8(l.central[0] + 46, 0xff)))).toMatch(/UTF-8/);
  });

  test('too many entries', () => {
    const many = buildZip(Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array(0) })));
    expect(failure(many)).toMatch(/5000 entries, more than the 4096 allowed/);
  });

  test('a missing entry is named with what the archive holds', () => {
    expect(failure(stored, 'weights.bin')).toMatch(/has no weights.bin \(it holds metadata.json, config.json, model.weights.h5\)/);
  });
});
