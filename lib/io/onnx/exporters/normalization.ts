/**
 * Normalization layers in ONNX.
 *
 * BatchNormalization (inference: the moving statistics) as elementwise ops along its feature axis, which may be
 * any axis (ONNX's BatchNormalization wants channels at axis 1): y = (x - moving_mean) / sqrt(moving_variance +
 * epsilon) * gamma + beta, the per-feature vectors shaped [C, 1, ..] to broadcast along that axis, the square root
 * taken in float32 as the layer does.
 *
 * LayerNormalization (opset 17's operator): normalizes over the trailing axes from `axis`; the layer's axes, when
 * not the trailing ones, are moved there by a Transpose and back. Scale is gamma (ones when `scale` is false).
 */
import { attr } from '../onnx-proto';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

/** The configured axes resolved against inputs of `rank` (batch included), sorted; a typed error when out of range. */
function featureAxes(e: LayerExport, rank: number): number[] {
  const raw = e.config.axis;
  const list = (Array.isArray(raw) ? raw : [raw]) as unknown[];
  const axes = list.map((a) => (typeof a === 'number' && Number.isInteger(a) ? (a < 0 ? a + rank : a) : -1));
  if (axes.some((a) => a < 1 || a >= rank)) e.fail(`config.axis ${JSON.stringify(raw)} is not a feature axis of inputs of rank ${rank}`);
  return axes.sort((p, q) => p - q);
}

function exportBatchNormalization(e: LayerExport): void {
  const { g } = e;
  const x = soleInput(e);
  const rank = x.shape.length + 1;
  const [a] = featureAxes(e, rank);
  const c = x.shape[a - 1];
  const shape = [c, ...new Array<number>(rank - 1 - a).fill(1)];
  const epsilon = e.config.epsilon;
  if (typeof epsilon !== 'number') e.fail(`config.epsilon must be a number, got ${JSON.stringify(epsilon)}`);
  const mean = e.requireWeight('moving_mean');
  const variance = e.requireWeight('moving_variance');
  const std = variance.data.map((v) => Math.fround(Math.sqrt(Math.fround(v + epsilon))));
  const gamma = e.weight('gamma');
  const beta = e.weight('beta');
  const out = e.outputs[0];
  const centered = g.op('Sub', [x.name, g.floats(`${e.name}/moving_mean`, mean.data, shape)], {}, e.name);
  let y = g.op('Div', [centered, g.floats(`${e.name}/std`, std, shape)], {}, e.name, gamma || beta ? undefined : out);
  if (gamma) y = g.op('Mul', [y, g.floats(`${e.name}/gamma`, gamma.data, shape)], {}, e.name, beta ? undefined : out);
  if (beta) g.op('Add', [y, g.floats(`${e.name}/beta`, beta.data, shape)], {}, e.name, out);
}

function exportLayerNormalization(e: LayerExport): void {
  const { g } = e;
  const x = soleInput(e);
  const rank = x.shape.length + 1;
  const axes = featureAxes(e, rank);
  const k = axes.length;
  const normShape = axes.map((a) => x.shape[a - 1]);
  const size = normShape.reduce((p, d) => p * d, 1);
  const gamma = e.weight('gamma');
  const beta = e.weight('beta');
  const epsilon = e.config.epsilon;
  if (typeof epsilon !== 'number') e.fail(`config.epsilon must be a number, got ${JSON.stringify(epsilon)}`);
  const inputs = [
    '',
    g.floats(`${e.name}/gamma`, gamma ? gamma.data : new Float32Array(size).fill(1), normShape),
    ...(beta ? [g.floats(`${e.name}/beta`, beta.data, normShape)] : []),
  ];
  const trailing = axes.every((a, i) => a === rank - k + i);
  const attributes = { axis: attr.int(rank - k), epsilon: attr.float(epsilon) };
  if (trailing) {
    inputs[0] = x.name;
    g.op('LayerNormalization', inputs, attributes, e.name, e.outputs[0]);
    return;
  }
  const rest = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...rest, ...axes];
  inputs[0] = g.transpose(x.name, perm, e.name);
  const y = g.op('LayerNormalization', inputs, attributes, e.name);
  g.transpose(y, perm.map((_, i) => perm.indexOf(i)), e.name, e.outputs[0]);
}

/** Exporters of the normalization layers, by class name. */
export const NORMALIZATION_EXPORTERS: Record<string, OnnxLayerExporter> = {
  BatchNormalization: exportBatchNormalization,
  LayerNormalization: exportLayerNormalization,
};
