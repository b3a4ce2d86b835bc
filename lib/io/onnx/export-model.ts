/**
 * `toOnnx(model)` / `exportOnnx(model, path)`: a Sequential or Functional model as an ONNX file (opset 17, IR
 * version 8) that runs in onnxruntime and other ONNX runtimes in inference mode. The graph is written from the
 * model's layer graph, each layer from its config and weights by the exporter of its class
 * (lib/io/onnx/exporters); a model used as a layer is inlined. Inputs and outputs keep the model's input and
 * output names, are float32 and have a dynamic first axis named 'batch'.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IOError, ModelFormatError, ValueError, describe } from '../../errors';
import { Model } from '../../models/model';
import { ModelLayer } from '../../models/model-layer';
import type { Layer } from '../../layers/layer';
import type { Graph } from '../../models/graph';
import { packageRoot } from '../../native/loader';
import { errorCode } from '../fs-errors';
import { OnnxGraphBuilder } from './graph-builder';
import { layerExport, type OnnxValue } from './layer-exporter';
import { encodeOnnxModel, OnnxType } from './onnx-proto';
import { onnxRefusalOf } from './refusals';
import { onnxExportableClasses, onnxExporterFor } from './exporters/registry';

/** The ONNX operator set the exporters write. */
export const ONNX_OPSET = 17;
/** The ONNX IR version of the files (8: the IR of opset 17). */
export const ONNX_IR_VERSION = 8;

/** Options of `toOnnx` / `exportOnnx`. */
export interface OnnxExportOptions {
  /** Text stored as the model's doc_string. Default none. */
  docString?: string;
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Writes the nodes of one application of `layer` (a nested model's graph, or its class's exporter). */
function emitLayer(g: OnnxGraphBuilder, layer: Layer, inputs: OnnxValue[], outputShapes: number[][], outputs: string[]): void {
  if (layer instanceof ModelLayer) {
    const produced = emitGraph(g, layer.model.requireGraph('exportOnnx'), inputs.map((x) => x.name));
    produced.forEach((p, k) => g.op('Identity', [p], {}, layer.name, outputs[k]));
    return;
  }
  const refusal = onnxRefusalOf(layer);
  if (refusal !== null) throw new ModelFormatError(`exportOnnx: layer ${layer.name} (${layer.className}) ${refusal}`);
  const exporter = onnxExporterFor(layer.className);
  if (!exporter) {
    throw new ModelFormatError(`exportOnnx: layer ${layer.name} of class ${layer.className} has no ONNX export; ` +
      `classes with one: ${onnxExportableClasses().join(', ')} (registerOnnxExporter adds one)`);
  }
  exporter(layerExport(g, layer, inputs, outputShapes, outputs, (inner, xs, shapes, outs) => emitLayer(g, inner, xs, shapes, outs)));
}

/** Writes the nodes of `graph` reading `inputNames`; returns the names of its outputs. */
function emitGraph(g: OnnxGraphBuilder, graph: Graph, inputNames: string[]): string[] {
  const names = new Map<number, string>();
  graph.inputs.forEach((t, i) => names.set(t.id, inputNames[i]));
  for (const node of graph.nodes) {
    const inputs: OnnxValue[] = node.inputs.map((t) => ({ name: names.get(t.id) as string, shape: t.shape.slice() }));
    const outputs = node.outputs.map((t) => g.unique(node.index === 0 ? t.name : `${t.name}_${node.index}`));
    emitLayer(g, node.layer, inputs, node.outputs.map((t) => t.shape.slice()), outputs);
    node.outputs.forEach((t, k) => names.set(t.id, outputs[k]));
  }
  return graph.outputs.map((t) => names.get(t.id) as string);
}

/**
 * The ONNX ModelProto bytes of `model` (built: a Sequential needs its input shape). Dropout and noise layers are
 * the identity, batch normalization uses its moving statistics (inference mode).
 * @throws ValueError when `model` is not a model; ModelStateError when it is not built; ModelFormatError naming the
 *   layer when a layer has no ONNX export, or gives a mask (Embedding with maskZero, Masking: masks are not exported).
 */
export function toOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof Model)) throw new ValueError(`toOnnx: model must be a Sequential or Functional model, got ${describe(model)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`toOnnx: options must be an object, got ${describe(options)}`);
  if (options.docString !== undefined && typeof options.docString !== 'string') throw new ValueError(`toOnnx: docString must be a string, got ${describe(options.docString)}`);
  const graph = model.requireGraph('toOnnx');
  const g = new OnnxGraphBuilder();
  const inputNames = model.inputNames.map((n) => g.claim(n));
  const produced = emitGraph(g, graph, inputNames);
  const outputNames = model.outputNames.map((wanted, k) => {
    if (produced[k] === wanted && !inputNames.includes(wanted) && produced.indexOf(wanted) === k) return wanted;
    return g.op('Identity', [produced[k]], {}, wanted, g.unique(wanted));
  });
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'myelin',
    producerVersion: version(),
    docString: options.docString ?? '',
    graphName: model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: graph.inputs.map((t, i) => ({ name: inputNames[i], elemType: OnnxType.float, shape: ['batch', ...t.shape] })),
    outputs: graph.outputs.map((t, k) => ({ name: outputNames[k], elemType: OnnxType.float, shape: ['batch', ...t.shape] })),
  });
}

/**
 * Writes `toOnnx(model)` to the file `file` (parent folders created), through a temporary file renamed into place,
 * so a reader never sees half a file.
 * @throws IOError when the file system refuses; the errors of `toOnnx`.
 */
export async function exportOnnx(model: Model, file: string, options: OnnxExportOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file.length === 0) throw new ValueError(`exportOnnx: path must be a non-empty string, got ${describe(file)}`);
  const bytes = toOnnx(model, options);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    const code = errorCode(err);
    if (code === null) throw err;
    throw new IOError(`exportOnnx: cannot write ${file}: ${code} (${(err as Error).message})`, code, file, String((err as { syscall?: unknown }).syscall ?? ''));
  }
}
