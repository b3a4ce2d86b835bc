/**
 * Reading a TensorFlow.js layers model into myelin: `await my.io.importTfjs(dir)` (a folder with model.json
 * and its weight shards, as `model.save('file://...')` of tfjs-node or `my.io.exportTfjs` write it) or
 * `await my.io.importTfjs(artifacts)` (the `tf.io.ModelArtifacts` a `tf.io.withSaveHandler` receives:
 * `{ modelTopology, weightSpecs, weightData }`). The result is an uncompiled myelin model (Sequential, or a
 * graph `Model` for tfjs's `Model` / `Functional`) with the tfjs weights: compile it and train on.
 *
 * Untrusted input: model.json is read up to 8 MiB, shards only as regular files named in the manifest inside
 * the folder, never more bytes than the specs declare; the architecture is rebuilt dry (weights recorded, not
 * allocated) and every declared weight is compared by name and shape with the specs before anything is built.
 */
import * as path from 'path';
import { ModelFormatError, ValueError, describe } from '../../errors';
import type { Model } from '../../models/model';
import { declaredWeights, importedModel } from '../build-imported';
import { readRegularFileAsync } from '../model-io-async';
import { MAX_MODEL_JSON_BYTES } from '../model-io';
import { weightName } from './layer-map';
import { wrapperWeightPrefixes } from './recurrent-map';
import { topologyFromTfjs, type Architecture } from './topology';
import { checkManifest, checkWeightSpecs, specBytes, splitWeights, type TfjsWeightSpec } from './tfjs-weights';

/** What importTfjs accepts in memory: `tf.io.ModelArtifacts` of a layers model. */
export interface TfjsArtifactsInput {
  modelTopology?: unknown;
  weightSpecs?: unknown;
  weightData?: ArrayBuffer | ArrayBuffer[] | Uint8Array;
  format?: string;
}

interface Loaded {
  topology: unknown;
  specs: TfjsWeightSpec[];
  /** The weight bytes; called once the specs were matched with the architecture. */
  data: () => Promise<Uint8Array>;
  source: string;
}

function checkFormat(format: unknown, source: string): void {
  if (format !== undefined && format !== null && format !== 'layers-model') {
    throw new ModelFormatError(`${source}: format ${describe(format)} is not a layers model (a graph model from the tfjs converter cannot be trained here)`);
  }
}

async function readFolder(dir: string): Promise<Loaded> {
  const jsonFile = path.join(dir, 'model.json');
  const bytes = await readRegularFileAsync(jsonFile, 'tfjs model file', MAX_MODEL_JSON_BYTES);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFormatError(`${jsonFile} is not valid JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object') throw new ModelFormatError(`${jsonFile} must hold an object, got ${describe(doc)}`);
  checkFormat(doc.format, jsonFile);
  const groups = checkManifest(doc.weightsManifest, `${jsonFile}: weightsManifest`);
  const specs = checkWeightSpecs(groups.flatMap((g) => g.weights), `${jsonFile}: weightsManifest weights`);
  const data = async (): Promise<Uint8Array> => {
    // Each shard is read whole but never past the bytes still needed, so the reads are bounded by the specs
    // and by the files' own sizes; nothing is allocated from the specs alone.
    const need = specBytes(specs);
    const parts: Uint8Array[] = [];
    let have = 0;
    for (const shard of groups.flatMap((g) => g.paths)) {
      const part = await readRegularFileAsync(path.join(dir, shard), 'tfjs weights shard', need - have);
      parts.push(part);
      have += part.byteLength;
    }
    if (have !== need) throw new ModelFormatError(`${jsonFile}: the shards hold ${have} bytes, the weights manifest needs ${need}`);
    return concat(parts);
  };
  return { topology: doc.modelTopology, specs, data, source: jsonFile };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, v) => n + v.byteLength, 0));
  let offset = 0;
  for (const v of parts) {
    out.set(v, offset);
    offset += v.byteLength;
  }
  return out;
}

function fromArtifacts(a: TfjsArtifactsInput): Loaded {
  const source = 'tfjs artifacts';
  checkFormat(a.format, source);
  const specs = checkWeightSpecs(a.weightSpecs, `${source}: weightSpecs`);
  const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData];
  const views = parts.map((p) => {
    if (p instanceof Uint8Array) return p;
    if (p instanceof ArrayBuffer) return new Uint8Array(p);
    throw new ModelFormatError(`${source}: weightData must be an ArrayBuffer, a list of them or a Uint8Array, got ${describe(p)}`);
  });
  return { topology: a.modelTopology, specs, data: async () => concat(views), source };
}

/** The myelin weight name of each spec; every declared weight must be there with its shape, and nothing else. */
function matchWeights(arch: Architecture, specs: TfjsWeightSpec[], source: string): Map<string, TfjsWeightSpec> {
  const declared = declaredWeights(arch.config, source);
  const byOwnName = new Map<string, TfjsWeightSpec>();
  const wrapped = new Map([...wrapperWeightPrefixes(arch.config)].map(([own, tf]) => [tf, own]));
  for (const s of specs) {
    const cut = s.name.lastIndexOf('/');
    const layer = cut > 0 ? s.name.slice(0, cut) : '';
    const inner = wrapped.get(layer);
    if (inner !== undefined) {
      byOwnName.set(`${inner}/${s.name.slice(cut + 1)}`, s);
      continue;
    }
    const cls = arch.classes.get(layer);
    if (cls === undefined) throw new ModelFormatError(`${source}: weight ${s.name} belongs to no layer of the model`);
    byOwnName.set(weightName(cls, layer, s.name.slice(cut + 1), false), s);
  }
  for (const d of declared) {
    const s = byOwnName.get(d.name);
    const layer = d.name.slice(0, d.name.lastIndexOf('/'));
    if (!s) throw new ModelFormatError(`${source}: layer ${JSON.stringify(layer)} needs the weight ${d.name} [${d.shape.join(', ')}], which the weights do not hold`);
    if (s.shape.join() !== d.shape.join()) {
      throw new ModelFormatError(`${source}: layer ${JSON.stringify(layer)}: weight ${s.name} has shape [${s.shape.join(', ')}], the layer needs [${d.shape.join(', ')}]`);
    }
  }
  const names = new Set(declared.map((d) => d.name));
  const extra = [...byOwnName.entries()].filter(([own]) => !names.has(own)).map(([, s]) => s.name);
  if (extra.length > 0) throw new ModelFormatError(`${source}: weights no layer declares: ${extra.slice(0, 8).join(', ')}`);
  return byOwnName;
}

/**
 * A myelin model from a TensorFlow.js layers model (see the file comment): same architecture (Sequential,
 * or a graph model with its inbound nodes), the tfjs weights, uncompiled. `importTfjs<my.Sequential>(dir)`
 * types a Sequential. Layers: those of lib/io/tfjs/layer-map.ts, channels-last.
 * @throws (rejects with) ModelFormatError naming the layer for an unknown layer class, option, activation or
 *   initializer, a weight missing, extra or of another shape, quantized or non-float32 weights, shards that
 *   do not hold exactly the declared bytes, or a malformed model.json; ValueError for a bad argument.
 */
export async function importTfjs<M extends Model = Model>(from: string | TfjsArtifactsInput): Promise<M> {
  let loaded: Loaded;
  if (typeof from === 'string' && from !== '') loaded = await readFolder(from);
  else if (from !== null && typeof from === 'object' && 'modelTopology' in from) loaded = fromArtifacts(from);
  else throw new ValueError(`importTfjs: give a folder path or tfjs artifacts { modelTopology, weightSpecs, weightData }, got ${describe(from)}`);
  const arch = topologyFromTfjs(loaded.topology);
  const specs = matchWeights(arch, loaded.specs, loaded.source);
  const values = splitWeights(loaded.specs, await loaded.data(), loaded.source);
  return importedModel(arch.config, (w) => {
    const s = specs.get(w.name)!;
    return values.get(s.name)!;
  }, loaded.source) as M;
}
