/**
 * The contract of a layer exporter: what it receives about one application of a layer (its config, weights,
 * input tensor names and shapes) and what it must write (nodes into the graph builder, producing `outputs`).
 */
import { ModelFormatError } from '../../errors';
import type { Layer } from '../../layers/layer';
import type { OnnxGraphBuilder } from './graph-builder';

/** A tensor of the ONNX graph: its name and sample shape (batch excluded: the batch axis is dynamic). */
export interface OnnxValue {
  name: string;
  shape: number[];
}

/** One application of a layer, as an exporter sees it. */
export interface LayerExport {
  /** The graph being built. */
  readonly g: OnnxGraphBuilder;
  /** The layer's class name ('Dense', ...) and name (node and initializer names start with it). */
  readonly className: string;
  readonly name: string;
  /** `layer.getConfig()`: the options that define the computation. */
  readonly config: Record<string, unknown>;
  /** The inputs, in order. */
  readonly inputs: OnnxValue[];
  /** The sample shape of each output. */
  readonly outputShapes: number[][];
  /** Names the exporter must produce, one per output (already reserved). */
  readonly outputs: string[];
  /** The layer's weight `short` ('kernel', 'bias', 'gamma', ...), or null when the layer has none of that name. */
  weight(short: string): { data: Float32Array; shape: number[] } | null;
  /** The weight `short`; ModelFormatError naming the layer when it is missing. */
  requireWeight(short: string): { data: Float32Array; shape: number[] };
  /** A ModelFormatError naming the layer. */
  fail(message: string): never;
  /** The layer itself (wrappers such as TimeDistributed read the layer they wrap from it). */
  readonly layer: Layer;
  /**
   * Writes the nodes of another layer (the one a wrapper holds) applied to `inputs`, producing `outputs` (names the
   * caller reserved with `g.unique`), exactly as a layer of the model is written: by its class's exporter.
   */
  sublayer(layer: Layer, inputs: OnnxValue[], outputShapes: number[][], outputs: string[]): void;
}

/** Writes the nodes of one layer application (what `LayerExport.sublayer` calls). */
export type LayerEmitter = (layer: Layer, inputs: OnnxValue[], outputShapes: number[][], outputs: string[]) => void;

/** Writes the ONNX nodes of one layer application. */
export type OnnxLayerExporter = (e: LayerExport) => void;

/**
 * The `LayerExport` of one application of `layer` (weights read once, by short name); `emit` writes the layers a
 * wrapper holds.
 */
export function layerExport(g: OnnxGraphBuilder, layer: Layer, inputs: OnnxValue[], outputShapes: number[][], outputs: string[], emit: LayerEmitter): LayerExport {
  const prefix = `${layer.name}/`;
  const weights = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const w of layer.weights) {
    const short = w.name.startsWith(prefix) ? w.name.slice(prefix.length) : w.name;
    weights.set(short, { data: w.dataSync().slice(), shape: w.shape.slice() });
  }
  const fail = (message: string): never => {
    throw new ModelFormatError(`exportOnnx: layer ${layer.name} (${layer.className}): ${message}`);
  };
  return {
    g,
    className: layer.className,
    name: layer.name,
    config: layer.getConfig(),
    inputs,
    outputShapes,
    outputs,
    weight: (short) => weights.get(short) ?? null,
    requireWeight: (short) => weights.get(short) ?? fail(`has no weight ${JSON.stringify(short)} (weights: ${[...weights.keys()].join(', ') || 'none'})`),
    fail,
    layer,
    sublayer: emit,
  };
}

/** The one input of a single-input layer; ModelFormatError naming the layer otherwise. */
export function soleInput(e: LayerExport): OnnxValue {
  if (e.inputs.length !== 1) e.fail(`expected one input, got ${e.inputs.length}`);
  return e.inputs[0];
}

/** A config entry that must be a number (or a list of numbers when `list`). */
export function configNumbers(e: LayerExport, key: string): number[] {
  const v = e.config[key];
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'number' && Number.isFinite(d))) e.fail(`config.${key} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
  return (list as number[]).slice();
}
