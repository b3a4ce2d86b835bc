/**
 * Convolutions in ONNX. myelin is channels last ([batch, ...spatial, channels]) and ONNX's Conv channels first, so
 * each convolution is Transpose -> Conv -> Transpose, with the kernel stored in ONNX's [filters, channels / group,
 * ...kernel] layout and Keras's 'same' padding written as explicit pads (the smaller half before):
 *
 * | layer           | myelin kernel                  | ONNX weight                        | group    |
 * | --------------- | ------------------------------ | ---------------------------------- | -------- |
 * | Conv1D          | [k, C, F]                      | [F, C, k]                          | 1        |
 * | Conv2D          | [kh, kw, C, F]                 | [F, C, kh, kw]                     | 1        |
 * | DepthwiseConv2D | [kh, kw, C, M]                 | [C M, 1, kh, kw] (channel c M + m) | C        |
 *
 * The activation runs after the transpose back (softmax is over the channels there).
 */
import { convAxis, type ConvPadding } from '../../../ops/conv-geometry';
import { attr } from '../onnx-proto';
import { toChannelsFirst, toChannelsLast } from '../graph-builder';
import { configNumbers, soleInput, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';
import { applyActivation, isLinear } from './dense';

/** The values of a row-major array of `shape` with its axes reordered by `perm` (output axis i = input axis perm[i]). */
export function permuteArray(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) inStrides[i] = s;
  const stride = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let i = 0; i < rank; i++) at += index[i] * stride[i];
    out[o] = data[at];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/** ONNX pads [begin..., end...] of Keras's padding for each spatial axis (sizes from the input sample shape). */
export function convPads(e: LayerExport, spatialSizes: number[], kernel: number[], strides: number[], dilations: number[]): number[] {
  const padding = e.config.padding as ConvPadding;
  if (padding !== 'valid' && padding !== 'same') e.fail(`config.padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  const begin: number[] = [];
  const end: number[] = [];
  spatialSizes.forEach((size, i) => {
    const axis = convAxis(size, kernel[i], strides[i], dilations[i], padding, e.name, `axis ${i + 1}`);
    const effective = (kernel[i] - 1) * dilations[i] + 1;
    const total = padding === 'same' ? Math.max((axis.outSize - 1) * strides[i] + effective - size, 0) : 0;
    begin.push(axis.padBefore);
    end.push(total - axis.padBefore);
  });
  return [...begin, ...end];
}

/** Conv1D, Conv2D and DepthwiseConv2D. */
function exportConv(e: LayerExport): void {
  const { g } = e;
  const x = soleInput(e);
  const spatial = x.shape.length - 1;
  const channels = x.shape[spatial];
  const kernel = e.requireWeight('kernel');
  const kernelSize = kernel.shape.slice(0, spatial);
  const strides = configNumbers(e, 'strides');
  const dilations = configNumbers(e, 'dilationRate');
  if (strides.length !== spatial || dilations.length !== spatial) e.fail(`strides and dilationRate must have ${spatial} entries`);
  const depthwise = e.className === 'DepthwiseConv2D';
  // Output channels first, then the input channels of a group, then the window (see the table above).
  const perm = depthwise ? [spatial, spatial + 1, ...kernelSize.map((_, i) => i)] : [spatial + 1, spatial, ...kernelSize.map((_, i) => i)];
  const weightShape = depthwise ? [channels * kernel.shape[spatial + 1], 1, ...kernelSize] : perm.map((p) => kernel.shape[p]);
  const w = g.floats(`${e.name}/kernel`, permuteArray(kernel.data, kernel.shape, perm), weightShape);
  const bias = e.weight('bias');
  const inputs = [g.transpose(x.name, toChannelsFirst(spatial), e.name), w, ...(bias ? [g.floats(`${e.name}/bias`, bias.data, bias.shape)] : [])];
  const y = g.op('Conv', inputs, {
    kernel_shape: attr.ints(kernelSize),
    strides: attr.ints(strides),
    dilations: attr.ints(dilations),
    pads: attr.ints(convPads(e, x.shape.slice(0, spatial), kernelSize, strides, dilations)),
    group: attr.int(depthwise ? channels : 1),
  }, e.name);
  applyActivation(e, g.transpose(y, toChannelsLast(spatial), e.name, isLinear(e) ? e.outputs[0] : undefined));
}

/** Exporters of the convolution family, by class name. */
export const CONV_EXPORTERS: Record<string, OnnxLayerExporter> = {
  Conv1D: exportConv,
  Conv2D: exportConv,
  DepthwiseConv2D: exportConv,
};
