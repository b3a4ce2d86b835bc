/**
 * Pooling in ONNX. Windowed pooling (MaxPooling1D/2D, AveragePooling1D/2D) is Transpose -> MaxPool / AveragePool ->
 * Transpose (ONNX pools channels first), with 'same' padding as explicit pads; AveragePool's count_include_pad = 0
 * averages the border windows over the elements inside the input, as the layers do. Global pooling reduces the
 * spatial axes in place: ReduceMean / ReduceMax over axes 1.. with keepdims 0.
 */
import { poolAxis } from '../../../ops/pooling';
import { attr } from '../onnx-proto';
import { toChannelsFirst, toChannelsLast } from '../graph-builder';
import { configNumbers, soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

/** MaxPooling1D/2D and AveragePooling1D/2D. */
function exportPooling(e: LayerExport): void {
  const { g } = e;
  const x = soleInput(e);
  const spatial = x.shape.length - 1;
  const pool = configNumbers(e, 'poolSize');
  const strides = configNumbers(e, 'strides');
  const padding = e.config.padding;
  if (padding !== 'valid' && padding !== 'same') e.fail(`config.padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  if (pool.length !== spatial || strides.length !== spatial) e.fail(`poolSize and strides must have ${spatial} entries`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < spatial; i++) {
    const axis = poolAxis(x.shape[i], pool[i], strides[i], padding, e.name);
    begin.push(axis.padBefore);
    end.push(Math.max(0, (axis.out - 1) * strides[i] + pool[i] - x.shape[i]) - axis.padBefore);
  }
  const max = e.className.startsWith('Max');
  const y = g.op(max ? 'MaxPool' : 'AveragePool', [g.transpose(x.name, toChannelsFirst(spatial), e.name)], {
    kernel_shape: attr.ints(pool),
    strides: attr.ints(strides),
    pads: attr.ints([...begin, ...end]),
    ...(max ? {} : { count_include_pad: attr.int(0) }),
  }, e.name);
  g.transpose(y, toChannelsLast(spatial), e.name, e.outputs[0]);
}

/** GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D. */
function exportGlobalPooling(e: LayerExport): void {
  const x = soleInput(e);
  const axes = Array.from({ length: x.shape.length - 1 }, (_, i) => i + 1);
  const op = e.className.startsWith('GlobalMax') ? 'ReduceMax' : 'ReduceMean';
  e.g.op(op, [x.name], { axes: attr.ints(axes), keepdims: attr.int(0) }, e.name, e.outputs[0]);
}

/** Exporters of the pooling family, by class name. */
export const POOLING_EXPORTERS: Record<string, OnnxLayerExporter> = {
  MaxPooling1D: exportPooling,
  MaxPooling2D: exportPooling,
  AveragePooling1D: exportPooling,
  AveragePooling2D: exportPooling,
  GlobalAveragePooling1D: exportGlobalPooling,
  GlobalAveragePooling2D: exportGlobalPooling,
  GlobalMaxPooling1D: exportGlobalPooling,
  GlobalMaxPooling2D: exportGlobalPooling,
};
