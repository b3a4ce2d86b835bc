/**
 * readCsv on hostile input: values that overflow float32 and non-decimal literals are errors with line and
 * column; a gzip bomb stops at maxBytes with an IOError; FIFOs, devices and folders are refused.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { parseCsv, readCsv } from '../../lib/data/index';
import { IOError, ValueError } from '../../lib/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-hostile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ['1e39', /line 3, column 2: 1e39 overflows float32/],
  ['-4e38', /line 3, column 2: -4e38 overflows float32/],
  ['0x10', /line 3, column 2: expected a decimal number, got "0x10"/],
  ['0b11', /line 3, column 2: expected a decimal number/],
  ['0o7', /line 3, column 2: expected a decimal number/],
  ['Infinity', /line 3, column 2: expected a decimal number/],
  ['1_000', /line 3, column 2: expected a decimal number/],
  ['1e', /line 3, column 2: expected a decimal number/],
])('%s is an error with its line and column', (field, message) => {
  expect(() => parseCsv(`a,b\n1,2\n3,${field}`)).toThrow(ValueError);
  expect(() => parseCsv(`a,b\n1,2\n3,${field}`)).toThrow(message);
});

test('decimal forms still read, and the largest float32 fits', () => {
  const t = parseCsv('a,b,c,d\n+1.5,-.25,3.,2e-3\n3.4028234e38,-0,1E2,0');
  expect(Array.from(t.x.dataSync())).toEqual([1.5, -0.25, 3, 2e-3, 3.4028234e38, -0, 100, 0].map(Math.fround));
});

test('a gzip bomb stops at maxBytes with IOError EFBIG; a plain file over maxBytes too', () => {
  const bomb = path.join(dir, 'bomb.csv.gz');
  fs.writeFileSync(bomb, zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024, '0,')));
  expect(fs.statSync(bomb).size).toBeLessThan(256 * 1024);
  let err: unknown;
  try { readCsv(bomb, { maxBytes: 1024 * 1024 }); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(IOError);
  expect(err).toMatchObject({ code: 'EFBIG' });
  expect((err as Error).message).toMatch(/decompresses to more than maxBytes = 1048576/);
  const plain = path.join(dir, 'plain.csv');
  fs.writeFileSync(plain, '1,2\n'.repeat(1000));
  expect(() => readCsv(plain, { maxBytes: 100 })).toThrow(expect.objectContaining({ code: 'EFBIG' }));
  expect(readCsv(plain, { maxBytes: 4000 }).x.shape).toEqual([1000, 2]);
  expect(() => readCsv(plain, { maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/);
});

test.each([
  ['a FIFO', (f: string) => execFileSync('mkfifo', [f])],
  ['a link to /dev/zero', (f: string) => fs.symlinkSync('/dev/zero', f)],
  ['a folder', (f: string) => fs.mkdirSync(f)],
])('%s is refused with a ValueError', (_name, make) => {
  const f = path.join(dir, `odd-${Math.random().toString(36).slice(2)}.csv`);
  make(f);
  expect(() => readCsv(f)).toThrow(ValueError);
  expect(() => readCsv(f)).toThrow(/not a regular file/);
});

test('a link to a regular CSV file is followed', () => {
  const real = path.join(dir, 'real.csv');
  fs.writeFileSync(real, '1,2\n3,4\n');
  fs.symlinkSync(real, path.join(dir, 'link.csv'));
  expect(readCsv(path.join(dir, 'link.csv')).x.arraySync()).toEqual([[1, 2], [3, 4]]);
});
