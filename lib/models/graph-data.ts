/**
 * The data of a graph model: x (and y) as a tensor, an array in input (output) order, or an object keyed by input
 * (output) name. A model of several inputs gets its inputs packed side by side into one [n, columns] tensor (each
 * input flattened per sample), and a model compiled with several heads (lib/models/heads.ts) its targets likewise,
 * so that fit / evaluate / predict and the training engine handle one x and one y for every model. The graph
 * unpacks them with `slice` + `reshape` (recorded with the rest of the step). A model of one input and one loss
 * passes its data through untouched (Sequential's path).
 */
import { ShapeError, ValueError, describe } from '../errors';
import { noGrad } from '../autograd/tape';
import { concat } from '../ops/indexing';
import { clone, reshape } from '../ops/reshape';
import { Tensor } from '../tensor/tensor';
import { isSymbolic } from '../layers/symbolic';
import type { Graph } from './graph';
import { unpackColumns, widthOf, type Head } from './heads';
import { checkSameRows, toTensor, type InputData } from './input-data';
import { checkTarget } from './fit-data';
import type { Model } from './model';

/** x or y of a graph model: one tensor's data, an array in input (output) order, or an object keyed by name. */
export type ModelData = InputData | InputData[] | Record<string, InputData>;

/** The packed widths of the graph's inputs and their total. */
export function packedInputs(graph: Graph): { widths: number[]; width: number } {
  const widths = graph.inputs.map((t) => widthOf(t.shape));
  return { widths, width: widths.reduce((a, b) => a + b, 0) };
}

/** The batch of each graph input from a (packed) batch x. */
export function unpackInputs(graph: Graph, x: Tensor): Tensor[] {
  if (graph.inputs.length === 1) return [x];
  let at = 0;
  return graph.inputs.map((t) => {
    const w = widthOf(t.shape);
    const part = unpackColumns(x, at, w, t.shape);
    at += w;
    return part;
  });
}

/** Outputs packed side by side: [n, sum of widths]. */
export function packOutputs(outs: Tensor[]): Tensor {
  const n = outs[0].shape[0];
  return concat(outs.map((o) => (o.rank === 2 ? o : reshape(o, [n, widthOf(o.shape.slice(1))]))), 1);
}

/** The outputs of a packed prediction (one tensor for a model of one output); frees the packed tensor. */
export function unpackOutputs(graph: Graph, packed: Tensor): Tensor | Tensor[] {
  if (graph.outputs.length === 1) return packed;
  try {
    let at = 0;
    return noGrad(() => graph.outputs.map((t) => {
      const w = widthOf(t.shape);
      const part = unpackColumns(packed, at, w, t.shape);
      at += w;
      return part === packed ? clone(packed) : part;
    }));
  } finally {
    packed.dispose();
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) &&
  !(v instanceof Tensor) && !ArrayBuffer.isView(v) && !('data' in v && 'shape' in v);

/** The entries of `value` for `names` (array in order, or object keyed by name); a lone value for one name. */
function entries(value: unknown, names: string[], arg: string, what: string): unknown[] {
  if (isSymbolic(value) || (Array.isArray(value) && value.some(isSymbolic))) {
    throw new ValueError(`${arg}: got a symbolic tensor, which has no values; pass data (Tensors, arrays) for ${what} ${names.join(', ')}`);
  }
  if (isRecord(value)) {
    const unknown = Object.keys(value).filter((k) => !names.includes(k));
    const missing = names.filter((k) => !(k in value));
    if (unknown.length > 0 || missing.length > 0) {
      throw new ValueError(`${arg}: the keys must be the model's ${what} names [${names.join(', ')}]` +
        `${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; unknown ${unknown.join(', ')}` : ''}`);
    }
    return names.map((n) => value[n]);
  }
  if (names.length === 1) return [Array.isArray(value) && value.length === 1 && (value[0] instanceof Tensor || isRecord(value[0])) ? value[0] : value];
  if (!Array.isArray(value) || value.length !== names.length || value.every((v) => typeof v === 'number')) {
    throw new ValueError(`${arg}: the model has ${names.length} ${what}s [${names.join(', ')}]; pass an array of ${names.length} (one per ${what}, in order) ` +
      `or an object keyed by ${what} name, got ${Array.isArray(value) ? `an array of length ${value.length}` : describe(value)}`);
  }
  return value;
}

/** Converts each part, checks it with `check`, and packs them into [n, columns]. */
function pack(parts: unknown[], names: string[], arg: string, check: (t: Tensor, i: number, argI: string) => { t: Tensor; width: number }): Tensor {
  const owned: Tensor[] = [];
  try {
    const flat: [string, Tensor][] = parts.map((p, i) => {
      const argI = `${arg}.${names[i]}`;
      const c = toTensor(p, argI);
      if (c.owned) owned.push(c.tensor);
      const { t, width } = check(c.tensor, i, argI);
      if (t !== c.tensor) owned.push(t);
      const f = t.rank === 2 && t.shape[1] === width ? t : reshape(t, [t.shape[0], width]);
      if (f !== t) owned.push(f);
      return [argI, f];
    });
    checkSameRows(flat);
    return noGrad(() => concat(flat.map(([, t]) => t), 1));
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Packs the inputs of a model of several inputs; checks each input's sample shape (ShapeError naming it). */
function packInputs(graph: Graph, names: string[], value: unknown, arg: string): Tensor {
  const parts = entries(value, names, arg, 'input');
  return pack(parts, names, arg, (t, i, argI) => {
    const s = graph.inputs[i].shape;
    if (t.rank !== s.length + 1 || s.some((d, j) => d !== t.shape[j + 1])) {
      throw new ShapeError(`${argI}: input ${names[i]} must have shape [n, ${s.join(', ')}], got [${t.shape.join(', ')}]`);
    }
    return { t, width: widthOf(s) };
  });
}

/** Packs the targets of a model compiled with heads; each is checked against its output and loss. */
function packTargets(heads: Head[], value: unknown, arg: string): Tensor {
  const names = heads.map((h) => h.name);
  const parts = entries(value, names, arg, 'output');
  return pack(parts, names, arg, (t, i, argI) => ({ t: checkTarget(t, heads[i].outputShape, heads[i].loss.name, argI), width: heads[i].ySize }));
}

/**
 * x and y of `model` in the form fit / evaluate / predict take (see the file comment); `y` null for predict.
 * @throws ValueError for names that do not match, a wrong number of inputs or outputs, symbolic tensors as data;
 *   ShapeError for an input or target of the wrong shape.
 */
export function packData(model: Model, x: unknown, y: unknown, op: string): { x: InputData; y: InputData; dispose(): void } {
  const made: Tensor[] = [];
  const dispose = (): void => { for (const t of made) t.dispose(); };
  try {
    const graph = (model as unknown as { graph: Graph | null }).graph;
    let px = x as InputData;
    if (graph !== null) {
      const names = model.inputNames;
      if (graph.inputs.length === 1) px = entries(x, names, `${op}: x`, 'input')[0] as InputData;
      else made.push(px = packInputs(graph, names, x, `${op}: x`) as Tensor);
    } else if (isSymbolic(x)) {
      entries(x, ['input'], `${op}: x`, 'input');
    }
    let py = y as InputData;
    if (y !== null) {
      const compiled = (model as unknown as { compiled: { heads: Head[] | null } | null }).compiled;
      if (compiled?.heads) made.push(py = packTargets(compiled.heads, y, `${op}: y`) as Tensor);
      else if (graph !== null) py = entries(y, model.outputNames, `${op}: y`, 'output')[0] as InputData;
    }
    return { x: px, y: py, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
