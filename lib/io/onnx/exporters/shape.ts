/**
 * Layers that move values without computing (Flatten, Reshape, Permute) and those that are the identity at
 * inference (Dropout, SpatialDropout1D/2D, GaussianNoise: an exported model predicts, it does not train).
 *
 * | layer     | ONNX                                                                   |
 * | --------- | ---------------------------------------------------------------------- |
 * | Flatten   | Flatten(axis = 1)                                                      |
 * | Reshape   | Reshape(x, [0, ...sample shape]) (0 copies the dynamic batch size)      |
 * | Permute   | Transpose([0, ...dims])                                                |
 * | dropouts, noise | Identity                                                         |
 */
import { attr } from '../onnx-proto';
import { configNumbers, soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

function exportFlatten(e: LayerExport): void {
  e.g.op('Flatten', [soleInput(e).name], { axis: attr.int(1) }, e.name, e.outputs[0]);
}

function exportReshape(e: LayerExport): void {
  const target = e.g.int64s(`${e.name}/shape`, [0, ...e.outputShapes[0]]);
  e.g.op('Reshape', [soleInput(e).name, target], {}, e.name, e.outputs[0]);
}

function exportPermute(e: LayerExport): void {
  const dims = configNumbers(e, 'dims');
  e.g.transpose(soleInput(e).name, [0, ...dims], e.name, e.outputs[0]);
}

function exportIdentity(e: LayerExport): void {
  e.g.op('Identity', [soleInput(e).name], {}, e.name, e.outputs[0]);
}

/** Exporters of the reshaping and inference-identity layers, by class name. */
export const SHAPE_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Flatten: exportFlatten,
  Reshape: exportReshape,
  Permute: exportPermute,
  Dropout: exportIdentity,
  SpatialDropout1D: exportIdentity,
  SpatialDropout2D: exportIdentity,
  GaussianNoise: exportIdentity,
};
