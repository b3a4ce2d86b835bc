/**
 * The Keras fixtures of test/fixtures/keras taken apart and put back together, so that tests can change one
 * entry (config.json, model.weights.h5, metadata.json) of a file Keras wrote, and its HDF5 file rewritten in
 * Keras's layout with h5wasm with one dataset or group changed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importH5wasm } from '../../../lib/io/keras/h5wasm-load';
import { openZip } from '../../../lib/io/keras/zip-read';
import * as my from '../../../lib/index';
import { buildZip } from '../../helpers/zip-build';

export const KERAS_FIXTURES = path.join(__dirname, '../../fixtures/keras');

/** The entries of fixture `name` (e.g. 'mlp'), by entry name. */
export function fixtureEntries(name: string): Map<string, Uint8Array> {
  const zip = openZip(new Uint8Array(fs.readFileSync(path.join(KERAS_FIXTURES, `${name}.keras`))), name);
  return new Map([...zip.entries.keys()].map((k) => [k, zip.read(k, 1 << 26)]));
}

/** The config.json of fixture `name`, parsed. */
export function fixtureConfig(name: string): Record<string, any> {
  return JSON.parse(new TextDecoder().decode(fixtureEntries(name).get('config.json')!));
}

/** A .keras archive of fixture `name` with some entries replaced (a string is JSON text; undefined removes it). */
export function rebuiltKeras(name: string, replace: Record<string, Uint8Array | string | object | undefined>): Uint8Array {
  const entries = fixtureEntries(name);
  for (const [k, v] of Object.entries(replace)) {
    if (v === undefined) entries.delete(k);
    else entries.set(k, v instanceof Uint8Array ? v : new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)));
  }
  return buildZip([...entries].map(([n, data]) => ({ name: n, data })));
}

/**
 * A dataset to write: values, shape and h5wasm dtype ('<f' float32, '<d' float64); with `resizeTo`, written
 * chunked and then resized to that shape (a huge declared shape in a small file: its chunks are never written).
 */
export interface H5Data {
  data: Float32Array | Float64Array;
  shape: number[];
  dtype: string;
  resizeTo?: number[];
}

/**
 * The HDF5 file `src` copied with h5wasm (groups, datasets and string attributes), with `edits` applied by path:
 * a dataset to write instead, null to leave the object out, or for a new path, a dataset added. `dropNames`
 * leaves out every `name` attribute; `renames` gives objects another name (path -> new last component).
 */
export async function rewriteH5(src: Uint8Array, edits: Record<string, H5Data | null>, dropNames = false, renames: Record<string, string> = {}): Promise<Uint8Array> {
  const h5 = await importH5wasm() as any;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-h5-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.h5'), src);
    const from = new h5.File(path.join(dir, 'in.h5'), 'r');
    const to = new h5.File(path.join(dir, 'out.h5'), 'w');
    const put = (g: any, key: string, d: H5Data): void => {
      if (!d.resizeTo) {
        g.create_dataset({ name: key, data: d.data, shape: d.shape, dtype: d.dtype });
        return;
      }
      const ds = g.create_dataset({ name: key, data: d.data, shape: d.shape, dtype: d.dtype, maxshape: d.shape.map(() => null), chunks: d.shape });
      ds.resize(d.resizeTo);
    };
    const copy = (a: any, b: any, at: string): void => {
      for (const [k, attr] of Object.entries(a.attrs as Record<string, { value: unknown }>)) {
        if (typeof attr.value === 'string' && !(dropNames && k === 'name')) b.create_attribute(k, attr.value);
      }
      for (const key of a.keys() as string[]) {
        const p = at === '' ? key : `${at}/${key}`;
        if (Object.hasOwn(edits, p)) {
          if (edits[p]) put(b, key, edits[p]!);
          continue;
        }
        const e = a.get(key);
        const out = renames[p] ?? key;
        if (e.type === 'Group') copy(e, b.create_group(out), p);
        else put(b, out, { data: e.value, shape: e.shape, dtype: e.dtype });
      }
    };
    copy(from, to, '');
    for (const [p, d] of Object.entries(edits)) {
      if (d && to.get(p) === null) {
        const cut = p.lastIndexOf('/');
        const parent = p.slice(0, cut).split('/').reduce((g: any, k: string) => g.get(k) ?? g.create_group(k), to);
        put(parent, p.slice(cut + 1), d);
      }
    }
    from.close();
    to.close();
    return new Uint8Array(fs.readFileSync(path.join(dir, 'out.h5')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A model with one input and one output. */
export interface Expected {
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
}
/** A model with several inputs or outputs. */
export interface ExpectedLists {
  inputs: Array<{ shape: number[]; values: number[] }>;
  outputs: Array<{ shape: number[]; values: number[] }>;
}
/** The fixtures' inputs and Keras's predictions (test/fixtures/keras/expected.json). */
export function kerasExpected(): { keras_version: string; models: Record<string, Expected & ExpectedLists> } {
  return JSON.parse(fs.readFileSync(path.join(KERAS_FIXTURES, 'expected.json'), 'utf8'));
}

/** Largest |mine - keras| / (1 + |keras|) of the imported model's predictions on the fixture's inputs. */
export function difference(model: my.Model, e: Expected | ExpectedLists): number {
  const lists = 'inputs' in e ? e : { inputs: [{ shape: e.input_shape, values: e.input }], outputs: [{ shape: e.output_shape, values: e.output }] };
  const xs = lists.inputs.map((x) => my.tensor(x.values, x.shape));
  const out = model.predict(xs.length === 1 ? xs[0] : xs) as my.Tensor | my.Tensor[];
  const ys = Array.isArray(out) ? out : [out];
  expect(ys.map((y) => y.shape)).toEqual(lists.outputs.map((o) => o.shape));
  let worst = 0;
  ys.forEach((y, k) => {
    const mine = y.dataSync();
    lists.outputs[k].values.forEach((v, i) => { worst = Math.max(worst, Math.abs(mine[i] - v) / (1 + Math.abs(v))); });
  });
  [...xs, ...ys].forEach((t) => t.dispose());
  return worst;
}
