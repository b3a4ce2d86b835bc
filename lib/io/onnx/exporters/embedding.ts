/**
 * Embedding in ONNX: the ids arrive as float32 (as in myelin), are cast to int64 and gather rows of the table:
 * y = Gather(embeddings, Cast<int64>(x), axis 0), of shape [batch, ...ids shape, outputDim].
 *
 * PositionEmbedding: the first T rows of its table (T, the input's steps, is fixed in the exported graph) stored as a
 * constant and broadcast to the input's shape, y = Expand(embeddings[0:T], Shape(x)); x's values are not read.
 */
import { attr, OnnxType } from '../onnx-proto';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

function exportEmbedding(e: LayerExport): void {
  const table = e.requireWeight('embeddings');
  const ids = e.g.op('Cast', [soleInput(e).name], { to: attr.int(OnnxType.int64) }, e.name);
  e.g.op('Gather', [e.g.floats(`${e.name}/embeddings`, table.data, table.shape), ids], { axis: attr.int(0) }, e.name, e.outputs[0]);
}

function exportPositionEmbedding(e: LayerExport): void {
  const table = e.requireWeight('embeddings');
  const x = soleInput(e);
  const [steps, ...features] = x.shape;
  if (steps > table.shape[0]) e.fail(`the input has ${steps} steps but the table only ${table.shape[0]} rows`);
  const rows = table.data.subarray(0, steps * features.reduce((p, d) => p * d, 1));
  const shape = e.g.op('Shape', [x.name], {}, e.name);
  e.g.op('Expand', [e.g.floats(`${e.name}/embeddings`, rows, [steps, ...features]), shape], {}, e.name, e.outputs[0]);
}

/** Exporters of the embedding layers, by class name. */
export const EMBEDDING_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Embedding: exportEmbedding,
  PositionEmbedding: exportPositionEmbedding,
};
