/**
 * fromCsv's native block parser (numeric files, parsed on a worker thread) against Number() on each field
 * (Math.fround(Number(text)), JavaScript's own correctly rounded conversion) and against the TypeScript parser: the
 * same values bit for bit for literals of every form, the same errors naming the same lines (also through fit),
 * quoted lines handed over mid-block, gzip, early ends, cancellation, and a process that exits by itself afterwards.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { fromCsv } from '../../lib/data/index';
import { lineBlocks } from '../../lib/data/csv-lines';
import { asyncBlockParser } from '../../lib/data/csv-native-parser';
import { optionalCpuEntry } from '../../lib/native/optional-entry';
import * as my from '../../lib/index';
import type { Tensor } from '../../lib/tensor/tensor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-native-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const hasNative = optionalCpuEntry('parseCsvBlockAsync') !== null;
const nativeTest = hasNative ? test : test.skip;

/** Literals of every form the parsers read: plain, signed, exponents, long mantissas, spaces, huge and tiny. */
function literals(count: number): string[] {
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const forms = [
    () => (rand() * 2 - 1).toFixed(5), () => String(Math.floor(rand() * 1e9)), () => `-${(rand() * 10).toFixed(7)}`,
    () => (rand() * 1e-3).toExponential(6), () => ` ${(rand() * 100).toFixed(2)}\t`, () => `+${rand().toFixed(4)}`,
    () => `${Math.floor(rand() * 1e5)}.`, () => `.${Math.floor(rand() * 1e7)}`, () => '1234567890123456789.25', () => '-0',
    () => `${rand()}`, () => `${(rand() * 1e30).toExponential()}`, () => `${rand() * 1e-40}`, () => '0.000000000000000000000000123E+3',
    () => '3.4028234e38', () => '00000000000000000012.5',
  ];
  return Array.from({ length: count }, (_, i) => forms[(i * 7 + Math.floor(i / 16)) % forms.length]());
}

/** A numeric file of `rows` rows of `width` fields; returns the file and its fields row by row. */
function writeNumeric(name: string, rows: number, width: number, eol = '\n'): { file: string; fields: string[][] } {
  const values = literals(rows * width);
  const fields = Array.from({ length: rows }, (_, r) => values.slice(r * width, (r + 1) * width));
  const header = Array.from({ length: width }, (_, c) => `c${c}`).join(',');
  const lines = [header, ...fields.map((f, r) => (r % 50 === 7 ? `${f.join(',')}${eol}   ` : f.join(',')))];  // blank lines too
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join(eol) + eol);
  return { file, fields };
}

const bits = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

nativeTest('every value is Math.fround(Number(field)), as the TypeScript parser reads it (CRLF, blank lines, small blocks)', async () => {
  for (const eol of ['\n', '\r\n']) {
    const { file, fields } = writeNumeric(`values-${eol.length}.csv`, 3000, 5, eol);
    const rows = await fromCsv(file, { target: 'c4', blockBytes: 1024 }).toArray();
    expect(rows.length).toBe(3000);
    rows.forEach((row, r) => {
      const want = fields[r].map((f) => bits(Math.fround(Number(f))));
      expect([...Array.from(row.xs as Float32Array, bits), bits(row.ys as number)]).toEqual(want);
    });
    // block by block, the native and TypeScript parsers write the same buffers
    const schema = await fromCsv(file, { target: 'c4', blockBytes: 1024 }).schema();
    const [native, typescript] = [asyncBlockParser(schema, file), asyncBlockParser(schema, file, false)];
    for await (const block of lineBlocks(file, 2048)) {
      const a = { xs: new Float32Array(block.lines * 4), ys: new Float32Array(block.lines) };
      const b = { xs: new Float32Array(block.lines * 4), ys: new Float32Array(block.lines) };
      expect(await native(block, a.xs, a.ys)).toBe(await typescript(block, b.xs, b.ys));
      expect(Array.from(a.xs, bits)).toEqual(Array.from(b.xs, bits));
      expect(Array.from(a.ys, bits)).toEqual(Array.from(b.ys, bits));
    }
  }
});

nativeTest('quoted lines mid-block go to the TypeScript parser and the native one goes on after them', async () => {
  const lines = ['x,y,t'];
  for (let r = 0; r < 500; r++) lines.push(r % 37 === 5 ? `"${r}.5", "1e-3",${r % 3}` : `${r}.25,${-r},${r % 3}`);
  const file = path.join(dir, 'quoted.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const batches = await fromCsv(file, { target: 't', blockBytes: 1024 }).batch(64).toArray() as { xs: Tensor; ys: Tensor }[];
  const xs = batches.flatMap((b) => Array.from(b.xs.dataSync()));
  const ys = batches.flatMap((b) => Array.from(b.ys.dataSync()));
  for (let r = 0; r < 500; r++) {
    const want = r % 37 === 5 ? [r + 0.5, Math.fround(1e-3)] : [r + 0.25, Number(`${-r}`)];
    expect(xs.slice(r * 2, r * 2 + 2)).toEqual(want);
    expect(ys[r]).toBe(r % 3);
  }
});

/** A file whose line `bad` (1-based, past the first blocks) is `text`. */
function fileWithBadLine(name: string, bad: number, text: string): string {
  const lines = ['a,b,c,target'];
  for (let line = 2; line <= 3000; line++) lines.push(line === bad ? text : `${line}.5,${line},-${line}.125,${line % 2}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const badLines: [string, string, RegExp][] = [
  ['too few fields', '1,2,3', /line 2345 has 3 fields, expected 4$/],
  ['too many fields', '1,2,3,4,5', /line 2345 has 5 fields, expected 4$/],
  ['not a number', '1,abc,3,0', /line 2345, column 2: expected a decimal number, got "abc"/],
  ['float32 overflow', '1,2,1e39,0', /line 2345, column 3: 1e39 overflows float32/],
  ['empty field', '1,,3,0', /line 2345, column 2: expected a decimal number, got ""/],
];

describe.each(badLines)('a row with %s names its line', (_name, text, message) => {
  nativeTest('rows, batches and fit reject with the same error as the TypeScript parser', async () => {
    const file = fileWithBadLine(`bad-${text.length}-${text.replace(/\W/g, '')}.csv`, 2345, text);
    const opts = { target: 'target', blockBytes: 4096 };
    await expect(fromCsv(file, opts).toArray()).rejects.toThrow(message);
    await expect(fromCsv(file, opts).batch(100).toArray()).rejects.toThrow(message);
    const schema = await fromCsv(file, opts).schema();
    const typescript = asyncBlockParser(schema, file, false);
    let tsError: unknown = null;
    try {
      for await (const block of lineBlocks(file, 4096)) await typescript(block, new Float32Array(block.lines * 3), new Float32Array(block.lines));
    } catch (err) { tsError = err; }
    await expect(fromCsv(file, opts).batch(100).toArray()).rejects.toThrow((tsError as Error).message);
    my.setSeed(0);
    const m = my.sequential([my.layers.dense({ units: 1, inputShape: [3] })]);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(m.fit(fromCsv(file, opts).batch(64).prefetch(2), { verbose: 0 })).rejects.toThrow(message);
    m.dispose();
  });
});

nativeTest('gzip gives the rows of the plain file', async () => {
  const { file } = writeNumeric('plain.csv', 2000, 4);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)));
  const plainRows = await fromCsv(file, { target: 'c3', blockBytes: 2048 }).batch(128).toArray() as { xs: Tensor; ys: Tensor }[];
  const gzRows = await fromCsv(`${file}.gz`, { target: 'c3', blockBytes: 2048 }).batch(128).toArray() as { xs: Tensor; ys: Tensor }[];
  expect(gzRows.map((b) => Array.from(b.xs.dataSync(), bits))).toEqual(plainRows.map((b) => Array.from(b.xs.dataSync(), bits)));
  expect(gzRows.map((b) => Array.from(b.ys.dataSync(), bits))).toEqual(plainRows.map((b) => Array.from(b.ys.dataSync(), bits)));
});

nativeTest('take, skip and an early break read what they need, and a new pass starts over', async () => {
  const { file, fields } = writeNumeric('early.csv', 5000, 3);
  const ds = fromCsv(file, { target: 'c2', blockBytes: 1024 });
  const first = await ds.skip(1234).take(3).toArray();
  expect(first.map((r) => Array.from(r.xs as Float32Array))).toEqual(fields.slice(1234, 1237).map((f) => f.slice(0, 2).map((v) => Math.fround(Number(v)))));
  let n = 0;
  for await (const b of ds.batch(100) as AsyncIterable<{ xs: Tensor; ys: Tensor }>) {
    b.xs.dispose();
    b.ys.dispose();
    if (++n === 3) break;
  }
  expect((await ds.batch(1000).toArray()).length).toBe(5);
});

/** Runs `script` in a fresh node process (the built dist/) and returns its output; it must exit by itself. */
function runNode(script: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '../..'), encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const built = fs.existsSync(path.join(__dirname, '../../dist/lib/index.js'));
(hasNative && built ? test : test.skip)('a fit aborted mid-file, one that fails on a bad line and one that ends leave no thread or handle: the process exits', () => {
  const ok = writeNumeric('teardown.csv', 20000, 9).file;
  const bad = fileWithBadLine('teardown-bad.csv', 2900, '1,2');
  const script = `
    const my = require('./dist/lib/index.js');
    const model = () => { const m = my.sequential([my.layers.dense({ units: 8, inputShape: [8] }), my.layers.dense({ units: 1 })]); m.compile({ optimizer: 'adam', loss: 'meanSquaredError' }); return m; };
    (async () => {
      const ac = new AbortController();
      let seen = 0;
      const batches = my.data.fromCsv(${JSON.stringify(ok)}, { target: 'c8', blockBytes: 4096 }).batch(32).map((b) => { if (++seen === 300) ac.abort(); return b; });
      const aborted = model().fit(batches.prefetch(4), { epochs: 50, signal: ac.signal, verbose: 0 });
      console.log('aborted:', await aborted.then(() => 'resolved', (e) => e.name));
      const m2 = my.sequential([my.layers.dense({ units: 1, inputShape: [3] })]); m2.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      console.log('bad:', await m2.fit(my.data.fromCsv(${JSON.stringify(bad)}, { target: 'target', blockBytes: 4096 }).batch(16), { verbose: 0 }).then(() => 'resolved', (e) => e.message));
      const h = await model().fit(my.data.fromCsv(${JSON.stringify(ok)}, { target: 'c8' }).batch(256).prefetch(2), { verbose: 0 });
      console.log('ended:', h.history.loss.length);
    })();`;
  const r = runNode(script);
  expect(r.out).toContain('aborted: AbortError');
  expect(r.out).toMatch(/bad: fromCsv: .*teardown-bad\.csv line 2900 has 2 fields, expected 4/);
  expect(r.out).toContain('ended: 1');
  expect(r.status).toBe(0);
});
