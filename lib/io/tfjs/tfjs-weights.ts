/**
 * The weights of a TensorFlow.js layers model: `weightSpecs` (`{ name, shape, dtype }`, from the
 * `weightsManifest` groups of model.json) and one byte buffer, the shards concatenated, each tensor's float32
 * values little-endian one after the other in spec order. Every spec is checked before a byte is read:
 * names, shapes (at most 8 dimensions, at most 2^31 elements each), dtype float32, no quantization, and the
 * total size, which must equal the bytes present.
 */
import { ModelFormatError, describe } from '../../errors';

/** One tensor of the weights (`tf.io.WeightsManifestEntry`). */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A group of model.json's `weightsManifest`: shard file names and the tensors they hold, in order. */
export interface TfjsManifestGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

const MAX_ELEMENTS = 2 ** 31;

/** Checks one spec; returns it typed. */
function checkSpec(v: unknown, where: string): TfjsWeightSpec {
  const s = v as Record<string, unknown>;
  if (s === null || typeof s !== 'object' || typeof s.name !== 'string' || s.name === '' || s.name.length > 512) {
    throw new ModelFormatError(`${where} must be { name, shape, dtype } with a name, got ${describe(v)}`);
  }
  const at = `${where} (${s.name})`;
  if (s.quantization !== undefined && s.quantization !== null) throw new ModelFormatError(`${at}: quantized weights are not supported`);
  if ((s.dtype ?? 'float32') !== 'float32') throw new ModelFormatError(`${at}: dtype ${describe(s.dtype)} is not supported (float32 only)`);
  if (!Array.isArray(s.shape) || s.shape.length > 8 || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFormatError(`${at}: shape must be at most 8 non-negative integers, got ${describe(s.shape)}`);
  }
  const size = (s.shape as number[]).reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS) throw new ModelFormatError(`${at}: shape [${(s.shape as number[]).join(', ')}] holds more than 2^31 elements`);
  return { name: s.name, shape: (s.shape as number[]).slice(), dtype: 'float32' };
}

/** Checks a list of specs (names unique). */
export function checkWeightSpecs(v: unknown, where: string): TfjsWeightSpec[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`${where} must be a list of { name, shape, dtype }, got ${describe(v)}`);
  const specs = v.map((s, i) => checkSpec(s, `${where}[${i}]`));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new ModelFormatError(`${where}: two tensors are named ${s.name}`);
    seen.add(s.name);
  }
  return specs;
}

/** A shard file name: a plain name inside the model's folder (no path, no `..`). */
const SHARD_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,255}$/;

/** Checks model.json's `weightsManifest`; returns the groups (shard names checked). */
export function checkManifest(v: unknown, where: string): TfjsManifestGroup[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`${where} must be a list of { paths, weights }, got ${describe(v)}`);
  return v.map((g, i) => {
    const group = g as Record<string, unknown>;
    if (group === null || typeof group !== 'object' || !Array.isArray(group.paths) || group.paths.length > 10000) {
      throw new ModelFormatError(`${where}[${i}] must be { paths: [...], weights: [...] }, got ${describe(g)}`);
    }
    for (const p of group.paths) {
      if (typeof p !== 'string' || !SHARD_NAME.test(p)) throw new ModelFormatError(`${where}[${i}].paths: ${describe(p)} is not a file name inside the model's folder`);
    }
    return { paths: group.paths as string[], weights: checkWeightSpecs(group.weights, `${where}[${i}].weights`) };
  });
}

/** Bytes of the float32 values of `specs`. */
export function specBytes(specs: readonly TfjsWeightSpec[]): number {
  return specs.reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * The values of each spec, by name, from `data` (which must hold exactly `specBytes(specs)` bytes).
 * @throws ModelFormatError when the sizes disagree.
 */
export function splitWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array, where: string): Map<string, Float32Array> {
  const need = specBytes(specs);
  if (data.byteLength !== need) throw new ModelFormatError(`${where}: the weights hold ${data.byteLength} bytes, the specs need ${need}`);
  const out = new Map<string, Float32Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const s of specs) {
    const values = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    out.set(s.name, values);
  }
  return out;
}

/** The bytes of `arrays` one after the other, little-endian float32. */
export function joinWeights(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(total * 4);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++, offset += 4) view.setFloat32(offset, a[i], true);
  return out;
}
