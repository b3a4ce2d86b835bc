/**
 * Hostile model folders: FIFOs, links to devices or outside the folder, huge sparse files, architectures
 * asking for gigabytes, deep JSON, incomplete optimizer state. Each is a ModelFormatError before any large
 * allocation (the extra RSS is checked against a loose 64 MiB bound; the refused sizes are gigabytes).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ModelFormatError } from '../../lib/errors';
import { encodeSafetensors } from '../../lib/io/safetensors-write';
import { readSafetensors } from '../../lib/io/safetensors-read';

const roots: string[] = [];
afterAll(() => { for (const d of roots) fs.rmSync(d, { recursive: true, force: true }); });

let good: string;
beforeAll(async () => {
  good = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-hostile-good-'));
  roots.push(good);
  my.setSeed(1);
  const m = my.sequential([my.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), my.layers.dense({ units: 2 })]);
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await m.fit(my.randomNormal([8, 3]), my.randomNormal([8, 2]), { epochs: 1, verbose: 0 });
  fs.rmSync(good, { recursive: true });
  m.save(good);
});

/** A copy of the good folder changed by `edit`. */
function variant(edit: (dir: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-hostile-'));
  roots.push(root);
  const d = path.join(root, 'model');
  fs.mkdirSync(d);
  for (const f of fs.readdirSync(good)) fs.copyFileSync(path.join(good, f), path.join(d, f));
  edit(d);
  return d;
}
const editJSON = (d: string, change: (doc: any) => void) => {
  const f = path.join(d, 'model.json');
  const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  change(doc);
  fs.writeFileSync(f, JSON.stringify(doc));
};
const replaceWith = (d: string, name: string, make: (f: string) => void) => {
  fs.rmSync(path.join(d, name));
  make(path.join(d, name));
};
/** A safetensors file whose header is `header` (raw text) and whose data section is `data` bytes of zeros. */
const rawSafetensors = (header: string, data = 0): Buffer => {
  const h = Buffer.from(header);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(data)]);
};

/** Runs the load, expecting a ModelFormatError matching `message`, and returns the extra RSS in MiB. */
function refused(dir: string, message: RegExp): number {
  const before = process.memoryUsage().rss;
  let err: unknown;
  try { my.loadModel(dir); } catch (e) { err = e; }
  const extra = (process.memoryUsage().rss - before) / 2 ** 20;
  expect(err).toBeInstanceOf(ModelFormatError);
  expect((err as Error).message).toMatch(message);
  return extra;
}

const cases: [string, (d: string) => void, RegExp][] = [
  ['weights.safetensors is a FIFO', (d) => replaceWith(d, 'weights.safetensors', (f) => execFileSync('mkfifo', [f])), /not a regular file/],
  ['model.json is a FIFO', (d) => replaceWith(d, 'model.json', (f) => execFileSync('mkfifo', [f])), /not a regular file/],
  ['weights.safetensors links to /dev/zero', (d) => replaceWith(d, 'weights.safetensors', (f) => fs.symlinkSync('/dev/zero', f)), /symbolic link/],
  ['model.json links to /dev/zero', (d) => replaceWith(d, 'model.json', (f) => fs.symlinkSync('/dev/zero', f)), /symbolic link/],
  ['weights.safetensors links to a valid file outside the folder', (d) => replaceWith(d, 'weights.safetensors', (f) => fs.symlinkSync(path.join(good, 'weights.safetensors'), f)), /symbolic link/],
  ['weights.safetensors is a folder', (d) => replaceWith(d, 'weights.safetensors', (f) => fs.mkdirSync(f)), /not a regular file/],
  ['weights.safetensors is a 1 GiB sparse file', (d) => replaceWith(d, 'weights.safetensors', (f) => { fs.writeFileSync(f, ''); fs.truncateSync(f, 2 ** 30); }), /header length 0/],
  ['model.json is a 1 GiB sparse file', (d) => replaceWith(d, 'model.json', (f) => { fs.writeFileSync(f, ''); fs.truncateSync(f, 2 ** 30); }), /more than the .* allowed/],
  ['a valid header declaring 1 GiB of weights, sparse', (d) => replaceWith(d, 'weights.safetensors', (f) => {
    const names = JSON.parse(fs.readFileSync(path.join(d, 'model.json'), 'utf8')).weights as string[];
    const header: Record<string, unknown> = {};
    let off = 0;
    names.forEach((n, i) => { const bytes = i === 0 ? 2 ** 30 : 4; header[n] = { dtype: 'F32', shape: [bytes / 4], data_offsets: [off, off + bytes] }; off += bytes; });
    fs.writeFileSync(f, rawSafetensors(JSON.stringify(header)));
    fs.truncateSync(f, fs.statSync(f).size + off);
  }), /has shape \[268435456\], the architecture needs \[3, 4\]/],
  ['units: 2^28', (d) => editJSON(d, (doc) => { doc.architecture.layers[0].config.units = 2 ** 28; }), /the architecture needs \[3, 268435456\]/],
  ['inputShape: [1e9]', (d) => editJSON(d, (doc) => { doc.architecture.inputShape = [1e9]; doc.architecture.layers[0].config.inputShape = [1e9]; }), /the architecture needs \[1000000000, 4\]/],
  // Found by test/fuzz (seed 459135723): the model built the layer from its own 2^28 inputShape (65 s, 5 GB).
  ['a layer inputShape of [2^28] under a model inputShape of [3]', (d) => editJSON(d, (doc) => { doc.architecture.layers[0].config.inputShape = [2 ** 28]; }), /layers\[0\] \(Dense\) for samples of shape \[3\]: declares inputShape \[268435456\]/],
  ['a 200,000-deep shape array in the weights header', (d) => replaceWith(d, 'weights.safetensors', (f) => fs.writeFileSync(f, rawSafetensors(`{"w":{"dtype":"F32","shape":${'['.repeat(200_000)}${']'.repeat(200_000)},"data_offsets":[0,0]}}`))), /nested deeper than 64/],
  ['a 200,000-deep array in model.json', (d) => fs.writeFileSync(path.join(d, 'model.json'), `{"format":${'['.repeat(200_000)}${']'.repeat(200_000)}}`), /nested deeper than 64/],
  ['an optimizer slot missing', (d) => {
    const f = path.join(d, 'optimizer.safetensors');
    const st = readSafetensors(f);
    st.tensors.delete('v/1');
    fs.writeFileSync(f, encodeSafetensors([...st.tensors].map(([name, s]) => ({ name, data: s.data, shape: s.shape }))));
  }, /slot v\/1 is missing/],
  ['an optimizer slot of the wrong shape', (d) => {
    const f = path.join(d, 'optimizer.safetensors');
    const st = readSafetensors(f);
    st.tensors.set('m/0', { shape: [4, 3], data: st.tensors.get('m/0')!.data });
    fs.writeFileSync(f, encodeSafetensors([...st.tensors].map(([name, s]) => ({ name, data: s.data, shape: s.shape }))));
  }, /slot m\/0 has shape \[4, 3\], its weight has \[3, 4\]/],
  ['an extra optimizer slot', (d) => {
    const f = path.join(d, 'optimizer.safetensors');
    const st = readSafetensors(f);
    st.tensors.set('m/9', { shape: [1], data: new Float32Array(1) });
    fs.writeFileSync(f, encodeSafetensors([...st.tensors].map(([name, s]) => ({ name, data: s.data, shape: s.shape }))));
  }, /unexpected entries m\/9/],
  ['optimizer.safetensors is a FIFO', (d) => replaceWith(d, 'optimizer.safetensors', (f) => execFileSync('mkfifo', [f])), /not a regular file/],
];

test.each(cases)('%s: ModelFormatError without a large allocation', (_name, edit, message) => {
  const extraMiB = refused(variant(edit), message);
  expect(extraMiB).toBeLessThan(64);
});

test('the good folder loads, and a symbolic link to the folder itself is fine', () => {
  expect(my.loadModel(good).weights.length).toBe(4);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-hostile-link-'));
  roots.push(root);
  fs.symlinkSync(good, path.join(root, 'link'));
  expect(my.loadModel(path.join(root, 'link')).weights.length).toBe(4);
});
