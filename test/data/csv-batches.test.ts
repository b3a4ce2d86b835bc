/**
 * fromCsv(...).batch(n), which parses blocks straight into batch buffers, against the generic path (the rows of
 * fromCsv stacked by Dataset.batch, forced by an identity map) and against readCsv (Number() on each field): the same
 * batches for literals of every form, one-hot string columns, string labels, CRLF, blank lines, blocks cut mid-batch
 * and dropRemainder; the same errors with their line numbers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fromCsv, readCsv } from '../../lib/data/index';
import type { Tensor } from '../../lib/tensor/tensor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-csv-batches-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Batch = { xs: Tensor; ys?: Tensor };
const plain = (batches: unknown[]) => (batches as Batch[]).map((b) => ({
  xs: { shape: b.xs.shape, values: Array.from(b.xs.dataSync()) },
  ys: b.ys ? { shape: b.ys.shape, values: Array.from(b.ys.dataSync()) } : null,
}));

/** A seeded table of decimal literals of many forms (fast path and fallback) with a string feature and label. */
function writeTable(rows: number, eol: string): string {
  let seed = 99;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const forms = [
    () => (rand() * 2 - 1).toFixed(5), () => String(Math.floor(rand() * 1e6)), () => `-${(rand() * 10).toFixed(3)}`,
    () => (rand() * 1e-3).toExponential(4), () => ` ${(rand() * 100).toFixed(2)} `, () => `+${rand().toFixed(4)}`,
    () => `${Math.floor(rand() * 1e5)}.`, () => `.${Math.floor(rand() * 1e7)}`, () => '1234567890123456789.25', () => '-0',
  ];
  const colors = ['red', 'green', 'blue'];
  const lines = ['a,b,c,color,label'];
  for (let r = 0; r < rows; r++) {
    lines.push([forms[r % 10](), forms[(r * 3 + 1) % 10](), forms[(r * 7 + 2) % 10](), colors[r % 3], r % 4 === 0 ? 'yes' : 'no'].join(','));
    if (r % 97 === 0) lines.push('');
  }
  const file = path.join(dir, `table-${rows}-${eol.length}.csv`);
  fs.writeFileSync(file, lines.join(eol) + eol);
  return file;
}

test.each([['\n', 7, false], ['\r\n', 64, false], ['\n', 50, true]])('eol %j, batch %i, dropRemainder %s: the same batches as the generic path and readCsv', async (eol, batch, drop) => {
  const file = writeTable(1000, eol as string);
  const opts = { target: 'label', blockBytes: 1024 };
  const fused = plain(await fromCsv(file, opts).batch(batch as number, { dropRemainder: drop as boolean }).toArray());
  const generic = plain(await fromCsv(file, opts).map((r) => r).batch(batch as number, { dropRemainder: drop as boolean }).toArray());
  expect(fused.length).toBe(drop ? Math.floor(1000 / (batch as number)) : Math.ceil(1000 / (batch as number)));
  expect(fused).toEqual(generic);
  // every value is Math.fround(Number(field)), as readCsv reads it (one-hot columns: readCsv has no OOV column)
  const table = readCsv(file, { target: 'label' });
  const x = table.x.dataSync();
  const xs = fused.flatMap((b) => b.xs.values);
  const width = fused[0].xs.shape[1];
  expect(width).toBe(3 + 4);
  for (let r = 0; r < xs.length / width; r++) {
    for (let c = 0; c < 3; c++) expect(Object.is(xs[r * width + c], x[r * 6 + c])).toBe(true);
  }
  const labels = fused.flatMap((b) => (b.ys as { values: number[] }).values);
  expect(labels).toEqual(Array.from(table.y!.dataSync()).slice(0, labels.length).map((v) => (v === 1 ? 1 : 0)));
});

test('without a target the batches hold xs alone; errors name the line as the row path does', async () => {
  const file = path.join(dir, 'nolabel.csv');
  fs.writeFileSync(file, 'a,b\n1,2\n3,4\n5,6\n');
  const batches = await fromCsv(file).batch(2).toArray() as Batch[];
  expect(batches.map((b) => [b.xs.shape, Object.keys(b)])).toEqual([[[2, 2], ['xs']], [[1, 2], ['xs']]]);
  expect(Array.from(batches[1].xs.dataSync())).toEqual([5, 6]);
  fs.writeFileSync(file, 'a,b\n1,2\n3,4\n5\n');
  await expect(fromCsv(file).batch(2).toArray()).rejects.toThrow(/nolabel.csv line 4 has 1 fields, expected 2/);
  fs.writeFileSync(file, 'a,b\n1,2\n3,x\n');
  await expect(fromCsv(file).batch(8).toArray()).rejects.toThrow(/line 3, column 2: expected a decimal number, got "x"/);
  fs.writeFileSync(file, 'a,b\n1,2\n3,1,\n');
  await expect(fromCsv(file).batch(8).toArray()).rejects.toThrow(/line 3 has 3 fields, expected 2/);
  expect(() => fromCsv(file).batch(0)).toThrow(/batchSize must be an integer >= 1/);
  expect(() => fromCsv(file).batch(2, { drop: true } as never)).toThrow("Dataset.batch: unknown option 'drop'");
});
