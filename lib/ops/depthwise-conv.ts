/**
 * Depthwise 2-D convolution, channels last as Keras's DepthwiseConv2D: each input channel c is convolved with its
 * own `depthMultiplier` filters, output channel c M + m. Composed of the conv2d op (one call per input channel on
 * that channel's slice, its bias slice and the fused activation) and a concat, so every backend runs it through
 * the conv kernels of the kernel table and the gradients are those of conv2d, slice and concat.
 */
import { ShapeError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkConvInputs, conv2d, type Conv2dOptions } from './conv';
import { concat, slice } from './indexing';

/**
 * y[n, i, j, c M + m] = activation(bias[c M + m] + sum_{a, b} x[n, i sh + a dh - pt, j sw + b dw - pl, c]
 * kernel[a, b, c, m]): x [N, H, W, C], kernel [KH, KW, C, M], bias [C M] or null; padding, strides, dilation and
 * activation as conv2d.
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const who = 'depthwiseConv2d';
  checkConvInputs(who, x, kernel, bias);
  const [n, h, w, c] = x.shape;
  const [kh, kw, , m] = kernel.shape;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== c * m)) throw new ShapeError(`${who}: bias must have shape [${c * m}] (channels x depthMultiplier), got [${bias.shape.join(', ')}]`);
  if (c === 1) return conv2d(x, kernel, bias, options);
  const parts: Tensor[] = [];
  for (let ch = 0; ch < c; ch++) {
    const xc = slice(x, [0, 0, 0, ch], [n, h, w, 1]);
    const kc1 = slice(kernel, [0, 0, ch, 0], [kh, kw, 1, m]);
    parts.push(conv2d(xc, kc1, bias ? slice(bias, [ch * m], [m]) : null, options));
  }
  return concat(parts, 3);
}
