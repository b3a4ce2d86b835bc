/**
 * Convolution ops, channels last as Keras: `conv2d` (x [N, H, W, C], kernel [KH, KW, C, F]) and `conv1d`
 * (x [N, L, C], kernel [K, C, F], a conv2d over a one-row image), each with an optional bias and a fused
 * activation. Forward is one kernel; backward runs the activation's epilogue (dz, dbias) then the input and
 * kernel gradients as their own kernels (GEMMs over im2col tiles on the cpu).
 */
import { needsGradient, record, retainForGradient, willRecord } from '../autograd/tape';
import type { UnaryOp } from '../backend/kernel-ids';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { activationGrad } from './activation-grad';
import { checkRank, checkTensor, commonBackend } from './checks';
import { conv2dPlan, type ConvPadding } from './conv-geometry';
import { empty } from './creation';
import { DENSE_ACTIVATIONS, type DenseActivation } from './fused';
import { sum } from './reduce';
import { reshape } from './reshape';

/** Options of the conv ops: strides, padding and dilation per spatial axis ([rows, columns] for conv2d). */
export interface Conv2dOptions {
  /** Window step. Default [1, 1]. */
  strides?: [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: ConvPadding;
  /** Spacing between window taps. Default [1, 1]. */
  dilationRate?: [number, number];
  /** Activation fused into the op (one of DENSE_ACTIVATIONS). Default 'linear'. */
  activation?: DenseActivation;
  /** The activation's parameter (leakyRelu / elu alpha). Default 0. */
  param?: number;
}

/** Throws unless v is a pair of positive integers. */
function checkPair(v: unknown, op: string, arg: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError(`${op}: ${arg} must be a pair of positive integers, got ${describe(v)}`);
  }
  return [v[0], v[1]];
}

/**
 * Checks the tensors of a 2-D conv op `who`: x [N, H, W, C] and a kernel [KH, KW, C, ...] (its third axis the
 * channels of x), live; a bias if given. Typed errors naming the op and the argument.
 */
export function checkConvInputs(who: string, x: Tensor, kernel: Tensor, bias: Tensor | null): void {
  checkTensor(x, who, 'x');
  checkTensor(kernel, who, 'kernel');
  if (bias !== null) checkTensor(bias, who, 'bias');
  checkRank(x, 4, who, 'x');
  checkRank(kernel, 4, who, 'kernel');
  const c = x.shape[3];
  const kc = kernel.shape[2];
  if (kc !== c) throw new ShapeError(`${who}: x has ${c} channels but the kernel expects ${kc} (kernel shape [${kernel.shape.join(', ')}])`);
}

/**
 * z[n, i, j, f] = bias[f] + sum_{a, b, c} x[n, i sh + a dh - pt, j sw + b dw - pl, c] kernel[a, b, c, f] (zero
 * padding), y = activation(z). x [N, H, W, C], kernel [KH, KW, C, F], bias [F] or null; y [N, OH, OW, F] with
 * OH, OW as Keras ('valid': floor((H - (KH - 1) dh - 1) / sh) + 1; 'same': ceil(H / sh)).
 * Backward: dz = dy * act'(z); dx = the transposed convolution of dz; dkernel = sum x (x) dz; dbias = sum dz.
 */
export function conv2d(x: Tensor, kernel: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const who = 'conv2d';
  checkConvInputs(who, x, kernel, bias);
  const activation = options.activation ?? 'linear';
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new ValueError(`${who}: activation must be one of ${DENSE_ACTIVATIONS.join(', ')}, got ${describe(activation)}`);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(`${who}: padding must be 'valid' or 'same', got ${describe(padding)}`);
  const strides = checkPair(options.strides ?? [1, 1], who, 'strides');
  const dilationRate = checkPair(options.dilationRate ?? [1, 1], who, 'dilationRate');
  const param = options.param ?? 0;
  const backend = bias ? commonBackend(who, x, kernel, bias) : commonBackend(who, x, kernel);
  const [n, h, w, c] = x.shape;
  const [kh, kw, , f] = kernel.shape;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== f)) throw new ShapeError(`${who}: bias must have shape [${f}], got [${bias.shape.join(', ')}]`);
  if (kh === 0 || kw === 0) throw new ShapeError(`${who}: the kernel window must not be empty, got kernel shape [${kernel.shape.join(', ')}]`);
  const plan = conv2dPlan(h, w, { kernelSize: [kh, kw], strides, dilationRate, padding }, who);
  const [oh, ow] = plan.out;
  const sizes = [n, h, w, c, oh, ow, f];
  const op = activation as UnaryOp;
  const inputs = bias ? [x, kernel, bias] : [x, kernel];
  const y = empty([n, oh, ow, f], c === 0);
  // As in dense: the pre-activation is kept only when a gradient rule needs it (ReLU reads y > 0 as well).
  const z = op === 'linear' || op === 'relu' || !willRecord(inputs) ? y : empty([n, oh, ow, f], c === 0);
  const rows = n * oh * ow;
  if (rows * f > 0) backend.conv2dForward(x.storage, kernel.storage, bias ? bias.storage : null, z.storage, y.storage, sizes, plan.window, op, param);
  const wantDx = needsGradient(x);
  const recorded = record(who, inputs, y, (dy) => {
    const { dz, dbias } = activationGrad(backend, op, z, y, dy, bias !== null, rows, f, param);
    let dx: Tensor | null = null;
    if (wantDx) {
      dx = empty(x.shape.slice());
      if (x.size > 0) backend.conv2dInputGrad(dz.storage, kernel.storage, dx.storage, sizes, plan.window);
    }
    const dKernel = empty(kernel.shape.slice());
    if (kernel.size > 0) backend.conv2dFilterGrad(x.storage, dz.storage, dKernel.storage, sizes, plan.window);
    const grads: (Tensor | null)[] = [dx, dKernel];
    if (bias) grads.push(dbias ?? sum(reshape(dz, [rows, f]), 0));
    return grads;
  });
  if (z !== y) {
    if (recorded) retainForGradient(z);
    else z.dispose();
  }
  return y;
}

/** Options of conv1d: one spatial axis. */
export interface Conv1dOptions extends Omit<Conv2dOptions, 'strides' | 'dilationRate'> {
  /** Window step. Default 1. */
  strides?: number;
  /** Spacing between window taps. Default 1. */
  dilationRate?: number;
}

/**
 * z[n, t, f] = bias[f] + sum_{a, c} x[n, t s + a d - p, c] kernel[a, c, f], y = activation(z): x [N, L, C], kernel
 * [K, C, F], y [N, OL, F] (OL as conv2d's OW). Computed as conv2d over [N, 1, L, C] with a [1, K, C, F] kernel.
 */
export function conv1d(x: Tensor, kernel: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  checkTensor(x, 'conv1d', 'x');
  checkTensor(kernel, 'conv1d', 'kernel');
  checkRank(x, 3, 'conv1d', 'x');
  checkRank(kernel, 3, 'conv1d', 'kernel');
  const stride = options.strides ?? 1;
  const dilation = options.dilationRate ?? 1;
  const x4 = reshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]]);
  const k4 = reshape(kernel, [1, ...kernel.shape]);
  const y4 = conv2d(x4, k4, bias, { ...options, strides: [1, stride], dilationRate: [1, dilation] });
  return reshape(y4, [y4.shape[0], y4.shape[2], y4.shape[3]]);
}
