/**
 * The weights of a Keras 3 `model.weights.h5`, matched with the weights myelin's layers declare.
 *
 * The layout Keras 3 writes (keras/src/saving/saving_lib.py, `H5IOStore`): one group per layer under
 * `layers/`, named after the layer's class in snake_case and numbered in the order of `model.layers`
 * (`dense`, `dense_1`, `conv2d`, ...; a Sequential's InputLayer is not among them), its variables as the
 * datasets `vars/0`, `vars/1`, ... in the order the layer created them, and the layer's name as the `name`
 * attribute of `vars`. A layer built of sublayers keeps theirs in named subgroups (MultiHeadAttention:
 * `query_dense`, `key_dense`, `value_dense`, `output_dense`, each with kernel and bias; SimpleRNN, LSTM and
 * GRU: `cell` with kernel, recurrent kernel and bias; Bidirectional: `forward_layer/cell` then
 * `backward_layer/cell`). An `optimizer` group, when present, is not read.
 *
 * Layers are found by the `name` attribute, else by the numbered class name. Each layer's variables must be
 * exactly the weights myelin declares for it, in the same order, with the same shapes and as float32: each
 * dataset's shape and type are checked before its data is read.
 */
import { ModelFormatError, describe } from '../../errors';
import type { DeclaredShape } from '../../layers/layer';
import type { H5Dataset, H5Entity, H5Group } from './h5wasm-load';
import type { KerasLayerRef } from './keras-config';

/** Sublayer groups whose variables follow the layer's own, in order. */
const SUBLAYERS: Readonly<Record<string, readonly string[]>> = {
  MultiHeadAttention: ['query_dense', 'key_dense', 'value_dense', 'output_dense'],
  SimpleRNN: ['cell'],
  LSTM: ['cell'],
  GRU: ['cell'],
  Bidirectional: ['forward_layer/cell', 'backward_layer/cell'],
};

/** The group at `path` (`a/b`) under `g`, or null. */
function subgroup(g: H5Group, path: string): H5Group | null {
  let at: H5Group | null = g;
  for (const part of path.split('/')) at = at ? group(at.get(part)) : null;
  return at;
}

/** HDF5 type class of floating-point numbers (H5T_FLOAT). */
const H5T_FLOAT = 1;

/** `MultiHeadAttention` -> `multi_head_attention`, as Keras names objects. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function group(e: H5Entity | null): H5Group | null {
  return e !== null && e.type === 'Group' ? (e as H5Group) : null;
}

function attrText(e: H5Entity, name: string): string | null {
  let value: unknown;
  try {
    value = e.attrs[name]?.value;
  } catch {
    return null;
  }
  return typeof value === 'string' ? value : null;
}

/** The datasets `vars/0 .. vars/n-1` of a layer group, in order. */
function varsOf(g: H5Group, path: string, source: string): Array<{ path: string; data: H5Dataset }> {
  const vars = group(g.get('vars'));
  if (!vars) return [];
  const keys = vars.keys();
  const out: Array<{ path: string; data: H5Dataset }> = [];
  for (let i = 0; i < keys.length; i++) {
    const e = vars.get(String(i));
    if (e === null || e.type !== 'Dataset') throw new ModelFormatError(`${source}: ${path}/vars holds ${describe(keys.join(', '))}, not the datasets 0..${keys.length - 1}`);
    out.push({ path: `${path}/vars/${i}`, data: e as H5Dataset });
  }
  return out;
}

/** Every dataset under `g` (to tell whether a group left unread holds weights). */
function holdsWeights(g: H5Group): boolean {
  for (const k of g.keys()) {
    const e = g.get(k);
    if (e?.type === 'Dataset') return true;
    const sub = group(e);
    if (sub && holdsWeights(sub)) return true;
  }
  return false;
}

/** The float32 values of one dataset after checking its type and shape. */
function values(v: { path: string; data: H5Dataset }, want: DeclaredShape, layer: string, source: string): Float32Array {
  const shape = v.data.shape;
  if (!Array.isArray(shape) || shape.join() !== want.shape.join()) {
    throw new ModelFormatError(`${source}: layer ${JSON.stringify(layer)}: ${v.path} has shape [${shape?.join(', ') ?? 'scalar'}], the layer needs ${want.name} [${want.shape.join(', ')}]`);
  }
  const m = v.data.metadata;
  if (m.type !== H5T_FLOAT || m.size !== 4) {
    throw new ModelFormatError(`${source}: layer ${JSON.stringify(layer)}: ${v.path} is not float32 (HDF5 type class ${m.type}, ${m.size} bytes); myelin reads float32 weights`);
  }
  const data = v.data.value;
  const count = want.shape.reduce((a, b) => a * b, 1);
  if (!ArrayBuffer.isView(data) || (data as Float32Array).length !== count) {
    throw new ModelFormatError(`${source}: layer ${JSON.stringify(layer)}: ${v.path} did not read as ${count} float32 values`);
  }
  // A copy: h5wasm's arrays may come from another realm (a vm sandbox) and are not ours to keep.
  return new Float32Array(data as unknown as ArrayLike<number>);
}

/**
 * The values of every declared weight (myelin name -> float32 data) from the opened `model.weights.h5`.
 * `layers` are the model's layers in Keras's order, `declared` the weights myelin's layers declare.
 * @throws ModelFormatError naming the layer for a missing, extra, misshapen or non-float32 weight.
 */
export function readKerasWeights(root: H5Group, layers: KerasLayerRef[], declared: DeclaredShape[], source: string): Map<string, Float32Array> {
  const top = group(root.get('layers'));
  const groups = top ? top.keys() : [];
  const byName = new Map<string, string>();
  for (const key of groups) {
    const g = group(top!.get(key));
    const vars = g ? g.get('vars') : null;
    const name = vars ? attrText(vars, 'name') : null;
    if (name !== null) byName.set(name, key);
  }
  const counters = new Map<string, number>();
  const used = new Set<string>();
  const out = new Map<string, Float32Array>();
  for (const layer of layers) {
    const base = kerasSnakeCase(layer.className);
    const n = counters.get(base);
    counters.set(base, n === undefined ? 0 : n + 1);
    const key = byName.get(layer.name) ?? (n === undefined ? base : `${base}_${n + 1}`);
    const owners = layer.weightOwners ?? [layer.name];
    const want = owners.flatMap((o) => declared.filter((d) => d.name.startsWith(`${o}/`)));
    const g = top ? group(top.get(key)) : null;
    const at = `layer ${JSON.stringify(layer.name)}`;
    if (!g) {
      if (want.length > 0) throw new ModelFormatError(`${source}: ${at} needs ${want.length} weights, but the file has no group layers/${key}`);
      continue;
    }
    used.add(key);
    const path = `layers/${key}`;
    const found = varsOf(g, path, source);
    const subs = SUBLAYERS[layer.className] ?? [];
    for (const sub of subs) {
      const s = subgroup(g, sub);
      if (!s) throw new ModelFormatError(`${source}: ${at}: the file has no ${path}/${sub}`);
      found.push(...varsOf(s, `${path}/${sub}`, source));
    }
    for (const k of g.keys()) {
      const s = group(g.get(k));
      if (k !== 'vars' && !subs.some((p) => p.split('/')[0] === k) && s && holdsWeights(s)) throw new ModelFormatError(`${source}: ${at}: ${path}/${k} holds weights that myelin's ${layer.className} does not have`);
    }
    if (found.length !== want.length) {
      throw new ModelFormatError(`${source}: ${at} (${layer.className}) has ${found.length} weights in the file, myelin's layer has ${want.length} (${want.map((w) => w.name).join(', ') || 'none'})`);
    }
    want.forEach((w, i) => out.set(w.name, values(found[i], w, layer.name, source)));
  }
  for (const key of groups) {
    const g = group(top!.get(key));
    if (!used.has(key) && g && holdsWeights(g)) throw new ModelFormatError(`${source}: layers/${key} holds weights of no layer of the model`);
  }
  const missing = declared.filter((d) => !out.has(d.name));
  if (missing.length > 0) throw new ModelFormatError(`${source}: weights of no layer in the file: ${missing.slice(0, 8).map((d) => d.name).join(', ')}`);
  return out;
}
