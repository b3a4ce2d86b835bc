/**
 * Max and average pooling over 1-D and 2-D windows, channels last as Keras (x is [batch, length, channels] or
 * [batch, height, width, channels]), through the backend's `pool2d` / `pool2dGrad` kernels.
 */
import { record } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { empty } from './creation';

/** How windows meet the border: 'valid' keeps windows inside x; 'same' pads so that out = ceil(in / stride). */
export type PoolPadding = 'valid' | 'same';

/** The output length and leading padding along one axis, Keras's rules. */
export interface PoolAxis {
  /** Number of windows (outputs) along the axis. */
  out: number;
  /** Positions of padding before the first element (the first window starts at -padBefore). */
  padBefore: number;
}

/**
 * Output length along one axis of size `size`: 'valid': floor((size - pool) / stride) + 1 (the pool must fit);
 * 'same': ceil(size / stride), with max(0, (out - 1) stride + pool - size) padding split as TensorFlow does (the
 * smaller half before). `what` names the caller in errors.
 */
export function poolAxis(size: number, pool: number, stride: number, padding: PoolPadding, what: string): PoolAxis {
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + pool - size);
    return { out, padBefore: Math.floor(total / 2) };
  }
  if (pool > size) throw new ShapeError(`${what}: pool size ${pool} is larger than the input's ${size} with padding 'valid'`);
  return { out: Math.floor((size - pool) / stride) + 1, padBefore: 0 };
}

/** Checks a pool size or stride given as one positive integer or one per spatial axis; returns one per axis. */
export function poolPair(v: unknown, rank: number, what: string, arg: string): number[] {
  const list = typeof v === 'number' ? new Array<number>(rank).fill(v) : v;
  if (!Array.isArray(list) || list.length !== rank || !list.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${what}: ${arg} must be a positive integer or ${rank} of them, got ${describe(v)}`);
  }
  return list.slice() as number[];
}

/** Checks a padding name. */
export function poolPadding(v: unknown, what: string): PoolPadding {
  if (v !== 'valid' && v !== 'same') throw new ValueError(`${what}: padding must be 'valid' or 'same', got ${describe(v)}`);
  return v;
}

/** Pools x viewed as [n, h, w, c] with the given window; y has `yShape` (the same values as [n, outH, outW, c]). */
function pool(x: Tensor, xShape: number[], window: number[], yShape: number[], max: boolean, name: string): Tensor {
  const y = empty(yShape);
  if (y.size > 0) x.backend.pool2d(x.storage, y.storage, xShape, window, max);
  record(name, [x], y, (dy) => {
    const dx = empty(x.shape.slice());
    if (dx.size > 0) x.backend.pool2dGrad(max ? x.storage : null, dy.storage, dx.storage, xShape, window, max);
    return [dx];
  });
  return y;
}

/** The arguments of a 1-D or 2-D pooling call. */
interface PoolCall {
  poolSize: number | number[];
  strides?: number | number[] | null;
  padding?: PoolPadding;
}

function poolNd(x: Tensor, spatial: 1 | 2, args: PoolCall, max: boolean, name: string): Tensor {
  checkTensor(x, name, 'x');
  if (x.rank !== spatial + 2) {
    const want = spatial === 1 ? '[batch, length, channels]' : '[batch, height, width, channels]';
    throw new ShapeError(`${name}: x must have rank ${spatial + 2} ${want}, got shape [${x.shape.join(', ')}]`);
  }
  const poolSize = poolPair(args.poolSize, spatial, name, 'poolSize');
  const strides = args.strides === undefined || args.strides === null ? poolSize : poolPair(args.strides, spatial, name, 'strides');
  const padding = poolPadding(args.padding ?? 'valid', name);
  const n = x.shape[0], c = x.shape[x.rank - 1];
  const size = x.shape.slice(1, -1);
  if (size.some((d) => d === 0)) throw new ShapeError(`${name}: x has an empty spatial axis, shape [${x.shape.join(', ')}]`);
  const axes = size.map((d, i) => poolAxis(d, poolSize[i], strides[i], padding, name));
  const [h, w] = spatial === 1 ? [1, size[0]] : size;
  const [ph, pw] = spatial === 1 ? [1, poolSize[0]] : poolSize;
  const [sh, sw] = spatial === 1 ? [1, strides[0]] : strides;
  const [ah, aw] = spatial === 1 ? [{ out: 1, padBefore: 0 }, axes[0]] : axes;
  const window = [ph, pw, sh, sw, ah.padBefore, aw.padBefore, ah.out, aw.out];
  return pool(x, [n, h, w, c], window, [n, ...axes.map((a) => a.out), c], max, name);
}

/**
 * 2-D max pooling, channels last: y[b, i, j, c] = max over the window of x[b, :, :, c] at
 * (i strideH - padTop, j strideW - padLeft), of poolSize, inside x. `strides` defaults to `poolSize`, `padding` to
 * 'valid'. The gradient goes to the first maximum of each window (row-major; as PyTorch's `max_pool2d`).
 */
export function maxPool2d(x: Tensor, poolSize: number | number[], strides?: number | number[] | null, padding: PoolPadding = 'valid'): Tensor {
  return poolNd(x, 2, { poolSize, strides, padding }, true, 'maxPool2d');
}

/**
 * 2-D average pooling, channels last: the mean of each window over the elements inside x (with 'same' padding the
 * border windows average fewer elements, as Keras; PyTorch's `avg_pool2d(count_include_pad=False)`).
 * `strides` defaults to `poolSize`, `padding` to 'valid'.
 */
export function avgPool2d(x: Tensor, poolSize: number | number[], strides?: number | number[] | null, padding: PoolPadding = 'valid'): Tensor {
  return poolNd(x, 2, { poolSize, strides, padding }, false, 'avgPool2d');
}

/** 1-D max pooling over x [batch, length, channels]; as {@link maxPool2d} with one spatial axis. */
export function maxPool1d(x: Tensor, poolSize: number, strides?: number | null, padding: PoolPadding = 'valid'): Tensor {
  return poolNd(x, 1, { poolSize, strides, padding }, true, 'maxPool1d');
}

/** 1-D average pooling over x [batch, length, channels]; as {@link avgPool2d} with one spatial axis. */
export function avgPool1d(x: Tensor, poolSize: number, strides?: number | null, padding: PoolPadding = 'valid'): Tensor {
  return poolNd(x, 1, { poolSize, strides, padding }, false, 'avgPool1d');
}

/**
 * The maximum over every spatial position: x [batch, ...spatial, channels] -> [batch, channels] (rank 3 or 4).
 * The gradient goes to the first maximum per channel (PyTorch's `adaptive_max_pool` with output size 1).
 */
export function globalMaxPool(x: Tensor, name = 'globalMaxPool'): Tensor {
  checkTensor(x, name, 'x');
  if (x.rank !== 3 && x.rank !== 4) throw new ShapeError(`${name}: x must have rank 3 or 4 (channels last), got shape [${x.shape.join(', ')}]`);
  const n = x.shape[0], c = x.shape[x.rank - 1];
  const [h, w] = x.rank === 3 ? [1, x.shape[1]] : [x.shape[1], x.shape[2]];
  if (h === 0 || w === 0) throw new ShapeError(`${name}: x has an empty spatial axis, shape [${x.shape.join(', ')}]`);
  return pool(x, [n, h, w, c], [h, w, 1, 1, 0, 0, 1, 1], [n, c], true, name);
}
