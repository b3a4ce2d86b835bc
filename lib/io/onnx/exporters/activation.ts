/**
 * Activations in ONNX (opset 17), shared by the Activation layer and the layers with a fused activation (dense,
 * conv). Those without an operator of their own in opset 17 are composed:
 *
 * | activation | ONNX                                            |
 * | ---------- | ----------------------------------------------- |
 * | linear     | Identity                                        |
 * | relu, sigmoid, tanh, softplus | Relu, Sigmoid, Tanh, Softplus |
 * | leakyRelu  | LeakyRelu(alpha = the library's alpha, 0.3)     |
 * | elu        | Elu(alpha = 1)                                  |
 * | gelu       | 0.5 x (1 + Erf(x / sqrt 2)) (exact form)        |
 * | silu/swish | x Sigmoid(x)                                    |
 * | softmax    | Softmax(axis = -1)                              |
 *
 * The LeakyReLU layer is LeakyRelu(alpha = the layer's alpha, default 0.3).
 */
import { getActivation, ACTIVATION_NAMES } from '../../../activations/activation';
import { attr } from '../onnx-proto';
import type { OnnxGraphBuilder } from '../graph-builder';
import { soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

const SIMPLE: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softplus: 'Softplus' };

/**
 * Writes activation `name` of tensor `x` and returns the result's name (`out` when given). `fail` reports an
 * activation without an ONNX form (a typed error naming the layer).
 */
export function emitActivation(g: OnnxGraphBuilder, name: unknown, x: string, hint: string, fail: (m: string) => never, out?: string): string {
  const id = name === undefined || name === null ? 'linear' : name;
  if (typeof id !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(id)) {
    return fail(`activation ${JSON.stringify(name)} has no ONNX export; known: ${ACTIVATION_NAMES.join(', ')}`);
  }
  const act = getActivation(id);
  if (act.name in SIMPLE) return g.op(SIMPLE[act.name], [x], {}, hint, out);
  switch (act.name) {
    case 'linear':
      return out === undefined ? x : g.op('Identity', [x], {}, hint, out);
    case 'leakyRelu':
      return g.op('LeakyRelu', [x], { alpha: attr.float(act.param) }, hint, out);
    case 'elu':
      return g.op('Elu', [x], { alpha: attr.float(act.param) }, hint, out);
    case 'softmax':
      return g.op('Softmax', [x], { axis: attr.int(-1) }, hint, out);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x], {}, hint)], {}, hint, out);
    case 'gelu': {
      const scaled = g.op('Mul', [x, g.floats(`${hint}/inv_sqrt2`, [Math.SQRT1_2], [])], {}, hint);
      const onePlus = g.op('Add', [g.op('Erf', [scaled], {}, hint), g.floats(`${hint}/one`, [1], [])], {}, hint);
      const half = g.op('Mul', [x, g.floats(`${hint}/half`, [0.5], [])], {}, hint);
      return g.op('Mul', [half, onePlus], {}, hint, out);
    }
    default:
      return fail(`activation ${JSON.stringify(act.name)} has no ONNX export`);
  }
}

/** The `Activation` layer. */
function exportActivationLayer(e: LayerExport): void {
  emitActivation(e.g, e.config.activation, soleInput(e).name, e.name, e.fail, e.outputs[0]);
}

/** The `LeakyReLU` layer: y = x for x >= 0, alpha x below. */
function exportLeakyReluLayer(e: LayerExport): void {
  const alpha = e.config.alpha;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) e.fail(`config.alpha must be a finite number, got ${JSON.stringify(alpha)}`);
  e.g.op('LeakyRelu', [soleInput(e).name], { alpha: attr.float(alpha) }, e.name, e.outputs[0]);
}

/** Exporters of the activation family, by class name. */
export const ACTIVATION_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Activation: exportActivationLayer,
  LeakyReLU: exportLeakyReluLayer,
};
