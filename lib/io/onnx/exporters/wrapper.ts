/**
 * Wrapper layers in ONNX. TimeDistributed folds the time axis into the batch as the layer does and writes the
 * wrapped layer with its own exporter in between:
 *
 *   x [batch, T, ...in] -> Reshape [-1, ...in] -> (wrapped layer) -> [batch T, ...out] -> Reshape [-1, T, ...out]
 *
 * so any layer with an exporter (a model used as a layer too) can be wrapped; the wrapped layer's weights are its
 * own initializers, named after it.
 */
import { TimeDistributed } from '../../../layers/time-distributed';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

function exportTimeDistributed(e: LayerExport): void {
  const { g } = e;
  if (!(e.layer instanceof TimeDistributed)) e.fail('is not a TimeDistributed layer');
  const inner = e.layer.layer;
  const x = soleInput(e);
  const [steps, ...rest] = x.shape;
  const [outSteps, ...outRest] = e.outputShapes[0];
  if (outSteps !== steps) e.fail(`output has ${outSteps} steps for an input of ${steps}`);
  const folded = g.op('Reshape', [x.name, g.int64s(`${e.name}/folded_shape`, [-1, ...rest])], {}, e.name);
  const y = g.unique(`${e.name}/${inner.name}`);
  e.sublayer(inner, [{ name: folded, shape: rest }], [outRest], [y]);
  g.op('Reshape', [y, g.int64s(`${e.name}/unfolded_shape`, [-1, steps, ...outRest])], {}, e.name, e.outputs[0]);
}

/** Exporters of the wrapper layers, by class name. */
export const WRAPPER_EXPORTERS: Record<string, OnnxLayerExporter> = {
  TimeDistributed: exportTimeDistributed,
};
