/**
 * The graph of a model: the nodes between its inputs and outputs in the order they run, checked when the model
 * is built. Errors name the layer or tensor at fault: an output that does not depend on the model's inputs (it
 * comes from another `my.input`), an input no output uses, a cycle (possible only in a hand-written config), two
 * layers of one name, inputs that are not `my.input` tensors, the same input twice.
 */
import { ValueError, describe } from '../errors';
import { InputLayer } from '../layers/input-layer';
import type { Layer } from '../layers/layer';
import { isSymbolic, type GraphNode, type SymbolicTensor } from '../layers/symbolic';

/** The checked graph of a model. */
export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every node that computes something (input nodes excluded), in an order where each runs after its inputs. */
  nodes: GraphNode[];
  /** The distinct layers of `nodes`, in order of first use (a shared layer once). */
  layers: Layer[];
  /** How many nodes of the graph read each tensor (by id); outputs read by nobody have none. */
  consumers: Map<number, number>;
}

function symbolicList(value: unknown, what: string, model: string): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ValueError(`${model}: ${what} must not be empty`);
  list.forEach((t, i) => {
    if (!isSymbolic(t)) throw new ValueError(`${model}: ${what}[${i}] must be a symbolic tensor (from my.input or layer.apply on one), got ${describe(t)}`);
  });
  return list as SymbolicTensor[];
}

/** Walks the graph from `outputs` back to `inputs` and checks it (see the file comment). */
export function buildGraph(inputsIn: unknown, outputsIn: unknown, model: string): Graph {
  const inputs = symbolicList(inputsIn, 'inputs', model);
  const outputs = symbolicList(outputsIn, 'outputs', model);
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new ValueError(`${model}: inputs[${i}] (${t.name}) must come from my.input({ shape }), but it is the output of layer ${t.sourceLayer.name}`);
    }
    if (inputs.indexOf(t) !== i) throw new ValueError(`${model}: input ${t.name} is listed twice in inputs`);
  });
  const inputSet = new Set(inputs);
  const state = new Map<GraphNode, 'open' | 'done'>();
  const nodes: GraphNode[] = [];
  const usedInputs = new Set<SymbolicTensor>();
  const consumers = new Map<number, number>();
  const visit = (t: SymbolicTensor, path: string[]): void => {
    if (inputSet.has(t)) {
      usedInputs.add(t);
      return;
    }
    const node = t.node;
    if (node.layer instanceof InputLayer) {
      throw new ValueError(`${model}: output ${path[0]} depends on the input ${t.name}, which is not among the model's inputs [${inputs.map((x) => x.name).join(', ')}] ` +
        `(path: ${[...path, t.name].join(' <- ')})`);
    }
    const s = state.get(node);
    if (s === 'done') return;
    if (s === 'open') throw new ValueError(`${model}: the graph has a cycle through layer ${node.layer.name} (path: ${[...path, t.name].join(' <- ')})`);
    state.set(node, 'open');
    for (const x of node.inputs) {
      consumers.set(x.id, (consumers.get(x.id) ?? 0) + 1);
      visit(x, [...path, t.name]);
    }
    state.set(node, 'done');
    nodes.push(node);
  };
  for (const out of outputs) visit(out, [out.name]);
  const unused = inputs.filter((t) => !usedInputs.has(t));
  if (unused.length > 0) throw new ValueError(`${model}: input ${unused.map((t) => t.name).join(', ')} is not used by any output; remove it from inputs or connect it`);
  const layers: Layer[] = [];
  for (const node of nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
  const byName = new Map<string, Layer>();
  for (const layer of [...inputs.map((t) => t.sourceLayer), ...layers]) {
    const other = byName.get(layer.name);
    if (other !== undefined && other !== layer) {
      throw new ValueError(`${model}: two layers are named ${JSON.stringify(layer.name)} (${other.className} and ${layer.className}); layer names must be unique in a model`);
    }
    byName.set(layer.name, layer);
  }
  return { inputs, outputs, nodes, layers, consumers };
}
