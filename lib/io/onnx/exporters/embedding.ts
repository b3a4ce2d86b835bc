/**
 * Embedding in ONNX: the ids arrive as float32 (as in myelin), are cast to int64 and gather rows of the table:
 * y = Gather(embeddings, Cast<int64>(x), axis 0), of shape [batch, ...ids shape, outputDim].
 */
import { attr, OnnxType } from '../onnx-proto';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

function exportEmbedding(e: LayerExport): void {
  const table = e.requireWeight('embeddings');
  const ids = e.g.op('Cast', [soleInput(e).name], { to: attr.int(OnnxType.int64) }, e.name);
  e.g.op('Gather', [e.g.floats(`${e.name}/embeddings`, table.data, table.shape), ids], { axis: attr.int(0) }, e.name, e.outputs[0]);
}

/** Exporters of the embedding layers, by class name. */
export const EMBEDDING_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Embedding: exportEmbedding,
};
