/**
 * Dense in ONNX: y = activation(MatMul(x, kernel) + bias). MatMul broadcasts over every leading axis, so inputs of
 * rank > 2 need no reshape; the kernel keeps its [inputFeatures, units] layout.
 */
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';
import { emitActivation } from './activation';

/** True when the layer's activation is 'linear' (or absent). */
export function isLinear(e: LayerExport): boolean {
  return e.config.activation === undefined || e.config.activation === null || e.config.activation === 'linear';
}

/** Applies the layer's activation to `z`, writing `e.outputs[0]` (an Identity when linear and `z` is another tensor). */
export function applyActivation(e: LayerExport, z: string): void {
  const out = e.outputs[0];
  if (!isLinear(e)) emitActivation(e.g, e.config.activation, z, e.name, e.fail, out);
  else if (z !== out) e.g.op('Identity', [z], {}, e.name, out);
}

/** Adds the bias (when the layer has one) to `y` and applies the layer's activation, the last step writing `e.outputs[0]`. */
export function biasAndActivation(e: LayerExport, y: string): void {
  const bias = e.weight('bias');
  const z = bias ? e.g.op('Add', [y, e.g.floats(`${e.name}/bias`, bias.data, bias.shape)], {}, e.name, isLinear(e) ? e.outputs[0] : undefined) : y;
  applyActivation(e, z);
}

/** The `Dense` layer. */
function exportDense(e: LayerExport): void {
  const kernel = e.requireWeight('kernel');
  const y = e.g.op('MatMul', [soleInput(e).name, e.g.floats(`${e.name}/kernel`, kernel.data, kernel.shape)], {}, e.name);
  biasAndActivation(e, y);
}

/** Exporters of the dense family, by class name. */
export const DENSE_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Dense: exportDense,
};
