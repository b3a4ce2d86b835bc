/**
 * A model's architecture between myelin's configs (`Sequential.getConfig()`, the functional config of
 * lib/models/graph-config.ts) and the `modelTopology` of a TensorFlow.js layers model: `Sequential` with
 * `{ name, layers: [{ class_name, config }] }` (the first layer holding `batch_input_shape`), or `Model` /
 * `Functional` with `{ name, layers: [{ name, class_name, config, inbound_nodes }], input_layers,
 * output_layers }`, each inbound reference `[layerName, nodeIndex, tensorIndex, kwargs]`.
 */
import { ModelFormatError, describe } from '../../errors';
import type { SequentialConfig } from '../../models/sequential';
import type { GraphLayerConfig, GraphModelConfig, TensorRef } from '../../models/graph-config';
import { LAYER_SPECS, layerConfigFromTfjs, layerConfigToTfjs, type LayerSpecTable } from './layer-map';

/** The `modelTopology` of a tfjs layers model. */
export interface TfjsTopology {
  class_name: string;
  config: Record<string, unknown>;
  keras_version?: string;
  backend?: string;
}

/** A myelin architecture and the class of each layer by name (to name the weights). */
export interface Architecture {
  config: SequentialConfig | GraphModelConfig;
  classes: Map<string, string>;
}

/** Most dimensions an input may have (a sample of rank 8 is far beyond any layer here). */
const MAX_RANK = 8;
const NESTED = new Set(['Sequential', 'Functional', 'Model']);

function nestedCheck(className: string, where: string): void {
  if (NESTED.has(className)) throw new ModelFormatError(`${where}: a model used as a layer (${className}) is not supported in the TensorFlow.js format here; flatten it first`);
}

/** The tfjs topology of a myelin architecture (`model.getConfig()`). */
export function topologyToTfjs(arch: SequentialConfig | GraphModelConfig, version: string): Architecture & { topology: TfjsTopology } {
  const classes = new Map<string, string>();
  const meta = { keras_version: `myelin ${version}`, backend: 'tensor_flow.js' };
  if ('className' in arch && arch.className === 'Functional') {
    const layers = arch.layers.map((l) => {
      const where = `layer ${JSON.stringify(l.name)}`;
      nestedCheck(l.className, where);
      classes.set(l.name, l.className);
      const config = l.className === 'InputLayer'
        ? { batch_input_shape: [null, ...(l.config.shape as number[])], dtype: 'float32', sparse: false, name: l.name }
        : layerConfigToTfjs(l.className, l.config, where);
      const inbound = l.inboundNodes.map((node) => node.map(([name, n, t]) => [name, n, t, {}]));
      return { name: l.name, class_name: l.className, config, inbound_nodes: inbound };
    });
    const config = { name: arch.name, layers, input_layers: arch.inputLayers, output_layers: arch.outputLayers };
    return { topology: { class_name: 'Model', config, ...meta }, config: arch, classes };
  }
  const seq = arch as SequentialConfig;
  const layers = seq.layers.map((l, i) => {
    const name = l.config.name as string;
    const where = `layer ${JSON.stringify(name)}`;
    nestedCheck(l.className, where);
    classes.set(name, l.className);
    const config = layerConfigToTfjs(l.className, l.config, where);
    return { class_name: l.className, config: i === 0 ? { ...config, batch_input_shape: [null, ...(seq.inputShape as number[])] } : config };
  });
  return { topology: { class_name: 'Sequential', config: { name: seq.name, layers }, ...meta }, config: arch, classes };
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ModelFormatError(`${where} must be an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '' || v.length > 256) throw new ModelFormatError(`${where} must be a non-empty string of at most 256 characters, got ${describe(v)}`);
  return v;
}

/** The sample shape of a `batch_input_shape` ([null, ...positive integers]). */
function sampleShape(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || v.length < 2 || v.length > MAX_RANK + 1 || (v[0] !== null && !Number.isSafeInteger(v[0]))) {
    throw new ModelFormatError(`${where}: batch_input_shape must be [null, ...dimensions] with 1 to ${MAX_RANK} dimensions, got ${describe(v)}`);
  }
  const shape = v.slice(1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= 2 ** 31)) {
    throw new ModelFormatError(`${where}: batch_input_shape must give every sample dimension as a positive integer, got ${describe(v)}`);
  }
  return shape as number[];
}

function ref(v: unknown, where: string): TensorRef {
  if (!Array.isArray(v) || v.length < 3 || v.length > 4 || typeof v[0] !== 'string' || !Number.isSafeInteger(v[1]) || !Number.isSafeInteger(v[2])) {
    throw new ModelFormatError(`${where} must be [layerName, nodeIndex, tensorIndex(, kwargs)], got ${describe(v)}`);
  }
  if (v.length === 4 && (v[3] === null || typeof v[3] !== 'object' || Object.keys(v[3] as object).length > 0)) {
    throw new ModelFormatError(`${where}: call arguments ${describe(v[3])} are not supported`);
  }
  return [v[0], v[1], v[2]];
}

function refs(v: unknown, where: string): TensorRef[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`${where} must be a list of [layerName, nodeIndex, tensorIndex], got ${describe(v)}`);
  // One reference alone (Keras writes a single input or output so) or a list of them.
  if (v.length >= 3 && typeof v[0] === 'string') return [ref(v, where)];
  return v.map((r, i) => ref(r, `${where}[${i}]`));
}

function sequentialFromTfjs(config: Record<string, unknown> | unknown[], where: string, table: LayerSpecTable): Architecture {
  const list = Array.isArray(config) ? config : config.layers;
  const name = Array.isArray(config) ? undefined : config.name;
  if (!Array.isArray(list) || list.length === 0) throw new ModelFormatError(`${where}: config.layers must be a non-empty list, got ${describe(list)}`);
  const classes = new Map<string, string>();
  let inputShape: number[] | null = null;
  const layers: SequentialConfig['layers'] = [];
  list.forEach((entry, i) => {
    const e = object(entry, `${where}: layers[${i}]`);
    const className = text(e.class_name, `${where}: layers[${i}].class_name`);
    const cfg = object(e.config, `${where}: layers[${i}].config`);
    const layerName = text(cfg.name, `${where}: layers[${i}].config.name`);
    const at = `layer ${JSON.stringify(layerName)}`;
    nestedCheck(className, at);
    if (i === 0 && cfg.batch_input_shape !== undefined) inputShape = sampleShape(cfg.batch_input_shape, at);
    if (className === 'InputLayer') {
      if (i !== 0) throw new ModelFormatError(`${at}: an InputLayer must come first in a Sequential`);
      return;
    }
    if (classes.has(layerName)) throw new ModelFormatError(`${at}: two layers have this name`);
    classes.set(layerName, className);
    const own = layerConfigFromTfjs(className, cfg, at, table);
    layers.push({ className, config: layers.length === 0 && inputShape ? { ...own, inputShape } : own });
  });
  if (!inputShape) throw new ModelFormatError(`${where}: the first layer gives no batch_input_shape; myelin needs the input shape to build the model`);
  if (layers.length === 0) throw new ModelFormatError(`${where}: the model has no layer besides its input`);
  return { config: { name: typeof name === 'string' ? name : undefined, layers, inputShape }, classes };
}

function functionalFromTfjs(config: Record<string, unknown>, where: string, table: LayerSpecTable): Architecture {
  const list = config.layers;
  if (!Array.isArray(list) || list.length === 0) throw new ModelFormatError(`${where}: config.layers must be a non-empty list, got ${describe(list)}`);
  const classes = new Map<string, string>();
  const layers: GraphLayerConfig[] = list.map((entry, i) => {
    const e = object(entry, `${where}: layers[${i}]`);
    const className = text(e.class_name, `${where}: layers[${i}].class_name`);
    const name = text(e.name, `${where}: layers[${i}].name`);
    const at = `layer ${JSON.stringify(name)}`;
    nestedCheck(className, at);
    if (classes.has(name)) throw new ModelFormatError(`${at}: two layers have this name`);
    classes.set(name, className);
    const cfg = object(e.config, `${at}: config`);
    if (!Array.isArray(e.inbound_nodes)) throw new ModelFormatError(`${at}: inbound_nodes must be a list, got ${describe(e.inbound_nodes)}`);
    const inboundNodes = e.inbound_nodes.map((node, j) => {
      if (!Array.isArray(node)) throw new ModelFormatError(`${at}: inbound_nodes[${j}] must be a list of references, got ${describe(node)}`);
      return node.map((r, k) => ref(r, `${at}: inbound_nodes[${j}][${k}]`));
    });
    if (className === 'InputLayer') {
      return { className, name, config: { name, shape: sampleShape(cfg.batch_input_shape, at) }, inboundNodes };
    }
    return { className, name, config: { ...layerConfigFromTfjs(className, cfg, at, table), name }, inboundNodes };
  });
  const graph: GraphModelConfig = {
    className: 'Functional',
    name: typeof config.name === 'string' ? config.name : 'model',
    layers,
    inputLayers: refs(config.input_layers, `${where}: input_layers`),
    outputLayers: refs(config.output_layers, `${where}: output_layers`),
  };
  return { config: graph, classes };
}

/**
 * The myelin architecture of a tfjs `modelTopology` (also a bare `{ class_name, config }` as Keras writes it);
 * `table` lists the layer classes read (default the tfjs ones).
 * @throws ModelFormatError naming the layer for an unknown class, option or malformed entry.
 */
export function topologyFromTfjs(topology: unknown, table: LayerSpecTable = LAYER_SPECS): Architecture {
  const t = object(topology, 'modelTopology');
  const top = t.model_config !== undefined ? object(t.model_config, 'modelTopology.model_config') : t;
  const className = text(top.class_name, 'modelTopology.class_name');
  const where = `modelTopology (${className})`;
  if (className === 'Sequential') return sequentialFromTfjs(Array.isArray(top.config) ? top.config : object(top.config, `${where}: config`), where, table);
  if (className === 'Model' || className === 'Functional') return functionalFromTfjs(object(top.config, `${where}: config`), where, table);
  throw new ModelFormatError(`${where}: a model must be Sequential, Model or Functional`);
}
