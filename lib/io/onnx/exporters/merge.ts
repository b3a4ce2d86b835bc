/**
 * Merge layers in ONNX: Concatenate -> Concat(axis, batch included); Add -> Sum; Subtract -> Sub; Multiply -> a
 * chain of Mul (ONNX's Mul takes two inputs); Average -> Mean; Maximum -> Max; Minimum -> Min.
 */
import { attr } from '../onnx-proto';
import type { LayerExport, OnnxLayerExporter } from '../layer-exporter';

/** A variadic elementwise operator over every input. */
const variadic = (opType: string): OnnxLayerExporter => (e) => {
  e.g.op(opType, e.inputs.map((x) => x.name), {}, e.name, e.outputs[0]);
};

function exportSubtract(e: LayerExport): void {
  if (e.inputs.length !== 2) e.fail(`Subtract takes 2 inputs, got ${e.inputs.length}`);
  e.g.op('Sub', [e.inputs[0].name, e.inputs[1].name], {}, e.name, e.outputs[0]);
}

function exportMultiply(e: LayerExport): void {
  const names = e.inputs.map((x) => x.name);
  let acc = names[0];
  for (let i = 1; i < names.length; i++) acc = e.g.op('Mul', [acc, names[i]], {}, e.name, i === names.length - 1 ? e.outputs[0] : undefined);
}

function exportConcatenate(e: LayerExport): void {
  const rank = e.inputs[0].shape.length + 1;
  const axis = e.config.axis;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) e.fail(`config.axis must be an integer, got ${JSON.stringify(axis)}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) e.fail(`axis ${axis} is not a feature axis of inputs of rank ${rank}`);
  e.g.op('Concat', e.inputs.map((x) => x.name), { axis: attr.int(a) }, e.name, e.outputs[0]);
}

/** Exporters of the merge layers, by class name. */
export const MERGE_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Concatenate: exportConcatenate,
  Add: variadic('Sum'),
  Subtract: exportSubtract,
  Multiply: exportMultiply,
  Average: variadic('Mean'),
  Maximum: variadic('Max'),
  Minimum: variadic('Min'),
};
