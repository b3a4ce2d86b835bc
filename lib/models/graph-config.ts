/**
 * The architecture of a graph model as Keras's functional config: every layer (inputs included) with its config
 * and its inbound nodes, each node a list of `[layerName, nodeIndex, tensorIndex]` references to the tensors it
 * reads (node indices count the layer's nodes inside this model); `inputLayers` and `outputLayers` reference the
 * model's inputs and outputs the same way. A model used as a layer is stored as a layer whose className is
 * 'Functional' (or 'Sequential') and whose config is that model's own config. `modelFromConfig` rebuilds the
 * graph (fresh weights) and rejects a config that references unknown layers or nodes, or has a cycle.
 */
import { ModelFormatError, describe } from '../errors';
import { InputLayer } from '../layers/input-layer';
import type { Layer } from '../layers/layer';
import { deserializeLayer } from '../layers/registry';
import type { SymbolicTensor } from '../layers/symbolic';
import type { Graph } from './graph';

/** A reference to a tensor: the producing layer's name, its node index in the model and the output index. */
export type TensorRef = [string, number, number];

/** One layer of a functional config. */
export interface GraphLayerConfig {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Per node of the layer in this model: the tensors it reads. */
  inboundNodes: TensorRef[][];
}

/** The architecture of a graph model (Keras's functional config). */
export interface GraphModelConfig {
  className: 'Functional';
  name: string;
  layers: GraphLayerConfig[];
  inputLayers: TensorRef[];
  outputLayers: TensorRef[];
}

/** The functional config of a model's graph (`configOf(layer)` gives each layer's `{ className, config }`). */
export function graphConfig(name: string, graph: Graph): GraphModelConfig {
  const nodeIndex = new Map<unknown, number>();
  const perLayer = new Map<Layer, TensorRef[][]>();
  const layers: Layer[] = [];
  for (const node of [...graph.inputs.map((t) => t.node), ...graph.nodes]) {
    if (!perLayer.has(node.layer)) { perLayer.set(node.layer, []); layers.push(node.layer); }
    const list = perLayer.get(node.layer) as TensorRef[][];
    nodeIndex.set(node, list.length);
    list.push(node.inputs.map((t) => ref(t)));
  }
  function ref(t: SymbolicTensor): TensorRef {
    return [t.sourceLayer.name, nodeIndex.get(t.node) as number, t.outputIndex];
  }
  return {
    className: 'Functional',
    name,
    layers: layers.map((l) => ({ className: l.className, name: l.name, config: l.getConfig(), inboundNodes: perLayer.get(l) as TensorRef[][] })),
    inputLayers: graph.inputs.map(ref),
    outputLayers: graph.outputs.map(ref),
  };
}

const isRef = (r: unknown): r is TensorRef => Array.isArray(r) && r.length === 3 && typeof r[0] === 'string' && Number.isInteger(r[1]) && Number.isInteger(r[2]);

/**
 * Rebuilds the symbolic graph of a functional config: the inputs and outputs to make a model of. `nested` turns a
 * nested model's `{ className, config }` into its layer (lib/models/model.ts passes the model constructors).
 * @throws ModelFormatError for a malformed config, an unknown layer or node reference, a cycle.
 */
export function graphFromConfig(config: GraphModelConfig, nested: (entry: { className: string; config: Record<string, unknown> }) => Layer | null):
{ inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; name: string } {
  const fail = (msg: string): never => { throw new ModelFormatError(`functional config${typeof config?.name === 'string' ? ` ${JSON.stringify(config.name)}` : ''}: ${msg}`); };
  if (config === null || typeof config !== 'object' || !Array.isArray(config.layers) || !Array.isArray(config.inputLayers) || !Array.isArray(config.outputLayers)) {
    return fail(`expected { className: 'Functional', layers, inputLayers, outputLayers }, got ${describe(config)}`);
  }
  const byName = new Map<string, { layer: Layer; entry: GraphLayerConfig }>();
  config.layers.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || typeof entry.className !== 'string' || typeof entry.name !== 'string' || !Array.isArray(entry.inboundNodes)) {
      fail(`layers[${i}] must be { className, name, config, inboundNodes }, got ${describe(entry)}`);
    }
    if (byName.has(entry.name)) fail(`two layers are named ${JSON.stringify(entry.name)}`);
    entry.inboundNodes.forEach((node, j) => {
      if (!Array.isArray(node) || !node.every(isRef)) fail(`layers[${i}] (${entry.name}).inboundNodes[${j}] must be a list of [layerName, nodeIndex, tensorIndex]`);
    });
    const layer = entry.className === 'InputLayer'
      ? new InputLayer(entry.config as never)
      : nested(entry) ?? deserializeLayer({ className: entry.className, config: entry.config });
    if (layer.name !== entry.name) fail(`layers[${i}] is named ${JSON.stringify(entry.name)} but its config names it ${JSON.stringify(layer.name)}`);
    byName.set(entry.name, { layer, entry });
  });
  // The nodes made so far, per layer in the order of inboundNodes (an input layer has its one node already).
  const made = new Map<string, SymbolicTensor[][]>();
  for (const [name, { layer }] of byName) if (layer instanceof InputLayer) made.set(name, [[layer.output]]);
  const tensorOf = (r: TensorRef): SymbolicTensor | null => {
    if (!byName.has(r[0])) fail(`a node reads layer ${JSON.stringify(r[0])}, which is not in the config`);
    const outs = made.get(r[0])?.[r[1]];
    if (outs === undefined) return null;
    if (r[2] < 0 || r[2] >= outs.length) fail(`a node reads output ${r[2]} of ${r[0]} node ${r[1]}, which has ${outs.length} outputs`);
    return outs[r[2]];
  };
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, { layer, entry }] of byName) {
      if (layer instanceof InputLayer) continue;
      const done = made.get(name) ?? [];
      if (done.length === entry.inboundNodes.length) continue;
      const inputs = entry.inboundNodes[done.length].map(tensorOf);
      if (inputs.some((t) => t === null)) continue;
      done.push(layer.connect(inputs as SymbolicTensor[]));
      made.set(name, done);
      progress = true;
    }
  }
  const resolve = (r: unknown, what: string): SymbolicTensor => {
    if (!isRef(r)) return fail(`${what} must be [layerName, nodeIndex, tensorIndex], got ${describe(r)}`);
    const t = tensorOf(r);
    if (t === null) return fail(`${what} ${JSON.stringify(r)} cannot be computed: a node it needs reads a layer or node that does not exist, or the nodes form a cycle`);
    return t;
  };
  return { inputs: config.inputLayers.map((r, i) => resolve(r, `inputLayers[${i}]`)), outputs: config.outputLayers.map((r, i) => resolve(r, `outputLayers[${i}]`)), name: config.name };
}
