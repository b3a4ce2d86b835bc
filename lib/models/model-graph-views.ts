/**
 * What `Model` reads off its graph for its users: its default names, its output names, a layer by name or index,
 * and the batch tensors `call` runs the graph on, each checked against the graph's inputs.
 */
import { ShapeError, ValueError, describe } from '../errors';
import type { Layer } from '../layers/layer';
import { Tensor } from '../tensor/tensor';
import type { Graph } from './graph';

const counters = new Map<string, number>();

/** @internal `base`, `base_1`, `base_2`, ... per base name. */
export function modelName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** The output names of `graph`: the producing layers' names (`_1`, ... when repeated); none without a graph. */
export function outputNamesOf(graph: Graph | null): string[] {
  const names: string[] = [];
  for (const t of graph?.outputs ?? []) {
    let n = t.sourceLayer.name;
    for (let i = 1; names.includes(n); i++) n = `${t.sourceLayer.name}_${i}`;
    names.push(n);
  }
  return names;
}

/** The layer named `name` (inputs included), or the layer at `index` of `layers`; ValueError when none. */
export function findLayer(model: string, graph: Graph | null, layers: readonly Layer[], name: string | number): Layer {
  if (typeof name === 'number') {
    if (!Number.isInteger(name) || name < 0 || name >= layers.length) throw new ValueError(`getLayer: index must be an integer in [0, ${layers.length - 1}], got ${describe(name)}`);
    return layers[name];
  }
  const all = [...(graph?.inputs.map((t) => t.sourceLayer) ?? []), ...layers];
  const found = all.find((l) => l.name === name);
  if (!found) throw new ValueError(`getLayer: no layer named ${describe(name)} in ${model}; layers: ${all.map((l) => l.name).join(', ')}`);
  return found;
}

/**
 * The batch tensors of `call(x)`, in input order: x as a tensor, an array in input order or an object keyed by
 * input name; ValueError / ShapeError naming the input that is missing, not a Tensor or of the wrong shape.
 */
export function callInputs(model: string, graph: Graph, inputNames: string[], x: Tensor | Tensor[] | Record<string, Tensor>): Tensor[] {
  const xs = Array.isArray(x) ? x : x instanceof Tensor ? [x] : inputNames.map((n) => (x as Record<string, Tensor>)[n]);
  if (xs.length !== graph.inputs.length) throw new ValueError(`call: ${model} has ${graph.inputs.length} inputs (${inputNames.join(', ')}), got ${xs.length}`);
  xs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`call: input ${inputNames[i]} must be a Tensor, got ${describe(t)}`);
    const s = graph.inputs[i].shape;
    if (t.rank !== s.length + 1 || s.some((d, j) => d !== t.shape[j + 1])) throw new ShapeError(`call: input ${inputNames[i]} must have shape [n, ${s.join(', ')}], got [${t.shape.join(', ')}]`);
  });
  return xs;
}
