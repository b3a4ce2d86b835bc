/** Stacking dataset elements into batches: numbers, numeric arrays and Tensors, nested in objects or tuples. */
import { tensor } from '../ops/creation';
import { ShapeError, ValueError, describe } from '../errors';
import { Tensor } from '../tensor/tensor';

/** A leaf value of one sample: a number, a flat or nested numeric array, a typed array, or a Tensor. */
export type SampleLeaf = number | ArrayLike<number> | number[][] | Tensor;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Tensor);

/**
 * A tuple ([xs, ys]) rather than a numeric leaf: an array that is neither all numbers nor all arrays of numbers
 * (so [Float32Array, 3] and [Tensor, Tensor] are tuples, [[1, 2], [3, 4]] is a 2x2 sample: use { xs, ys } there).
 */
const isTuple = (v: unknown): v is unknown[] =>
  Array.isArray(v) && v.length > 0 && !v.every((e) => typeof e === 'number') &&
  !v.every((e) => Array.isArray(e) && (e as unknown[]).every((n) => typeof n === 'number'));

/** The shape and values of a leaf (nested arrays are read row-major); throws for anything else. */
function leafOf(v: unknown, where: string): { shape: number[]; values: ArrayLike<number> } {
  if (typeof v === 'number') return { shape: [], values: [v] };
  if (v instanceof Tensor) {
    if (v.isDisposed) throw new ValueError(`${where} is a disposed Tensor`);
    return { shape: v.shape.slice(), values: v.dataSync() };
  }
  if (ArrayBuffer.isView(v)) return { shape: [(v as unknown as ArrayLike<number>).length], values: v as unknown as ArrayLike<number> };
  if (Array.isArray(v)) {
    if (v.length > 0 && Array.isArray(v[0])) {
      const inner = (v[0] as unknown[]).length;
      const values: number[] = [];
      v.forEach((row, r) => {
        if (!Array.isArray(row) || row.length !== inner) throw new ShapeError(`${where} is ragged: row ${r} should hold ${inner} numbers, got ${describe(row)}`);
        for (const n of row) {
          if (typeof n !== 'number') throw new ValueError(`${where}[${r}] must hold numbers, got ${describe(n)}`);
          values.push(n);
        }
      });
      return { shape: [v.length, inner], values };
    }
    const bad = v.findIndex((n) => typeof n !== 'number');
    if (bad >= 0) throw new ValueError(`${where}[${bad}] must be a number, got ${describe(v[bad])}`);
    return { shape: [v.length], values: v as number[] };
  }
  throw new ValueError(`${where} must be a number, a numeric array, a Float32Array or a Tensor, got ${describe(v)}`);
}

/** Stacks Float32Array samples of one length (the rows of fromArrays and fromCsv), or null when they are not. */
function stackFloat32(items: unknown[]): Tensor | null {
  const first = items[0];
  if (!(first instanceof Float32Array)) return null;
  const per = first.length;
  for (let i = 1; i < items.length; i++) {
    const v = items[i];
    if (!(v instanceof Float32Array) || v.length !== per) return null;
  }
  const out = new Float32Array(items.length * per);
  for (let i = 0; i < items.length; i++) out.set(items[i] as Float32Array, i * per);
  return tensor(out, [items.length, per]);
}

/** Stacks numbers into a [batch] Tensor, or null when they are not all numbers. */
function stackNumbers(items: unknown[]): Tensor | null {
  const out = new Float32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (typeof v !== 'number') return null;
    out[i] = v;
  }
  return tensor(out, [items.length]);
}

/** Stacks the leaves of one position of every element into a [batch, ...sample shape] float32 Tensor. */
function stackLeaves(items: unknown[], where: string): Tensor {
  const fast = typeof items[0] === 'number' ? stackNumbers(items) : stackFloat32(items);
  if (fast !== null) return fast;
  const first = leafOf(items[0], `${where} of element 0`);
  const per = first.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(items.length * per);
  for (let i = 0; i < items.length; i++) {
    const leaf = i === 0 ? first : leafOf(items[i], `${where} of element ${i}`);
    if (leaf.shape.length !== first.shape.length || leaf.shape.some((d, k) => d !== first.shape[k])) {
      throw new ShapeError(`Dataset.batch: ${where} of element ${i} of the batch has shape [${leaf.shape.join(', ')}], expected [${first.shape.join(', ')}] as element 0; samples of a batch must have one shape`);
    }
    const values = leaf.values;
    if (values instanceof Float32Array) out.set(values, i * per);
    else for (let k = 0; k < per; k++) out[i * per + k] = values[k];
  }
  return tensor(out, [items.length, ...first.shape]);
}

/**
 * Stacks `items` (elements of a dataset) into one batch of the same structure: a plain object gives an object of
 * the stacked values of each key, a tuple of structures ([xs, ys]) a tuple, and numeric leaves a float32 Tensor
 * [items.length, ...sample shape]. Samples of one batch must agree in structure and shape.
 * @throws ShapeError for samples of different shapes (naming the key and the element); ValueError for a value
 *   that is not numeric or a structure that differs.
 */
export function stackBatch(items: unknown[], where = 'value'): unknown {
  const first = items[0];
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    items.forEach((e, i) => {
      if (!isPlainObject(e)) throw new ValueError(`Dataset.batch: element ${i} of the batch must be an object with keys ${keys.join(', ')} as element 0, got ${describe(e)}`);
    });
    for (const k of keys) out[k] = stackBatch(items.map((e, i) => {
      if (!(k in (e as Record<string, unknown>))) throw new ValueError(`Dataset.batch: element ${i} of the batch lacks key '${k}' that element 0 has`);
      return (e as Record<string, unknown>)[k];
    }), `'${k}'`);
    return out;
  }
  if (isTuple(first)) {
    return first.map((_, p) => stackBatch(items.map((e, i) => {
      if (!Array.isArray(e) || e.length !== first.length) throw new ValueError(`Dataset.batch: element ${i} of the batch must be a tuple of ${first.length} values as element 0, got ${describe(e)}`);
      return e[p];
    }), `${where}[${p}]`));
  }
  return stackLeaves(items, where);
}

/** Disposes every Tensor inside a (batched) element: objects and tuples are walked. */
export function disposeElement(e: unknown): void {
  if (e instanceof Tensor) e.dispose();
  else if (Array.isArray(e)) { for (const v of e) if (v instanceof Tensor || isPlainObject(v) || Array.isArray(v)) disposeElement(v); } else if (isPlainObject(e)) for (const v of Object.values(e)) disposeElement(v);
}
