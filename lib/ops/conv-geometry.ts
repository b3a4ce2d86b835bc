/**
 * The geometry of a channels-last convolution, as Keras computes it: output sizes and the padding of 'same'.
 * Shared by the conv ops (the kernels' `sizes` / `window` arguments) and the conv layers (output shapes).
 */
import { ShapeError } from '../errors';

/** 'valid': no padding; 'same': zero padding so that the output size is ceil(input / stride). */
export type ConvPadding = 'valid' | 'same';

/** One spatial axis: the output size and the padding before it (the rest of the padding goes after). */
export interface ConvAxis {
  readonly outSize: number;
  readonly padBefore: number;
}

/**
 * The output size and leading padding of one axis of `inSize` for a window of `kernel` taps, `stride` and
 * `dilation`: effective window e = (kernel - 1) dilation + 1; 'valid': out = floor((in - e) / stride) + 1 (a
 * ShapeError naming `who` when e > in); 'same': out = ceil(in / stride), total padding
 * max((out - 1) stride + e - in, 0) split with the smaller half before (as Keras and TensorFlow).
 */
export function convAxis(inSize: number, kernel: number, stride: number, dilation: number, padding: ConvPadding,
  who: string, axis: string): ConvAxis {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same') {
    const outSize = Math.ceil(inSize / stride);
    const total = Math.max((outSize - 1) * stride + effective - inSize, 0);
    return { outSize, padBefore: Math.floor(total / 2) };
  }
  if (effective > inSize) {
    throw new ShapeError(`${who}: the window (${kernel}${dilation > 1 ? ` with dilation ${dilation}, spanning ${effective}` : ''}) is larger than the input's ${axis} ${inSize} with padding 'valid'; use a smaller kernelSize or padding 'same'`);
  }
  return { outSize: Math.floor((inSize - effective) / stride) + 1, padBefore: 0 };
}

/** A 2-D window: kernel size, strides and dilations as [rows, columns], and the padding mode. */
export interface Conv2dWindow {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilationRate: readonly [number, number];
  readonly padding: ConvPadding;
}

/** The output [OH, OW] and the kernels' `window` argument [KH, KW, SH, SW, DH, DW, PT, PL] for an input [H, W]. */
export function conv2dPlan(h: number, w: number, win: Conv2dWindow, who: string): { out: [number, number]; window: number[] } {
  const rows = convAxis(h, win.kernelSize[0], win.strides[0], win.dilationRate[0], win.padding, who, 'height');
  const cols = convAxis(w, win.kernelSize[1], win.strides[1], win.dilationRate[1], win.padding, who, 'width');
  return {
    out: [rows.outSize, cols.outSize],
    window: [win.kernelSize[0], win.kernelSize[1], win.strides[0], win.strides[1], win.dilationRate[0], win.dilationRate[1],
      rows.padBefore, cols.padBefore],
  };
}
