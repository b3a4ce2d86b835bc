/** Up-sampling of images, channels last: nearest neighbour and separable (bilinear) resampling (Keras's UpSampling2D). */
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { matmul } from './matmul';
import { broadcastTo, reshape, transpose } from './reshape';

/**
 * y[b, i, j, c] = x[b, floor(i / sizeH), floor(j / sizeW), c]: every pixel of x [batch, h, w, channels] repeated
 * into a sizeH x sizeW block, y of shape [batch, h sizeH, w sizeW, channels]. The gradient of a pixel is the sum of
 * dy over its block. Made of reshape and broadcastTo (their gradients give the block sums).
 */
export function upSample2dNearest(x: Tensor, size: readonly [number, number]): Tensor {
  checkTensor(x, 'upSample2dNearest', 'x');
  if (x.rank !== 4) throw new ShapeError(`upSample2dNearest: x must have rank 4 [batch, height, width, channels], got shape [${x.shape.join(', ')}]`);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ValueError(`upSample2dNearest: size must be 2 positive integers, got ${describe(size)}`);
  }
  const [n, h, w, c] = x.shape;
  const [sh, sw] = size;
  if (sh === 1 && sw === 1) return x;
  const blocks = broadcastTo(reshape(x, [n, h, 1, w, 1, c]), [n, h, sh, w, sw, c]);
  return reshape(blocks, [n, h * sh, w * sw, c]);
}

/**
 * The [inSize * scale, inSize] matrix of bilinear interpolation along one axis with half-pixel centres (Keras's
 * 'bilinear', tf.image.resize; PyTorch's align_corners=False): output i reads the source position
 * s = max(0, (i + 1/2) / scale - 1/2), rows p0 = floor(s) and p1 = min(p0 + 1, inSize - 1) with weights 1 - (s - p0)
 * and s - p0.
 */
export function bilinearMatrix(inSize: number, scale: number): Float32Array {
  const out = inSize * scale;
  const m = new Float32Array(out * inSize);
  for (let i = 0; i < out; i++) {
    const s = Math.max(0, (i + 0.5) / scale - 0.5);
    const p0 = Math.min(Math.floor(s), inSize - 1);
    const p1 = Math.min(p0 + 1, inSize - 1);
    const l = s - p0;
    m[i * inSize + p0] += 1 - l;
    m[i * inSize + p1] += l;
  }
  return m;
}

/**
 * Separable resampling of images x [batch, h, w, channels] by two matrices: y[b, i, j, c] =
 * sum_{p, q} rows[i, p] cols[j, q] x[b, p, q, c], rows [h', h] and cols [w', w] (e.g. {@link bilinearMatrix}),
 * y of shape [batch, h', w', channels]. Two GEMMs between transposes; the gradient comes from theirs.
 */
export function resample2d(x: Tensor, rows: Tensor, cols: Tensor): Tensor {
  checkTensor(x, 'resample2d', 'x');
  if (x.rank !== 4) throw new ShapeError(`resample2d: x must have rank 4 [batch, height, width, channels], got shape [${x.shape.join(', ')}]`);
  const [n, h, w, c] = x.shape;
  if (rows.rank !== 2 || rows.shape[1] !== h || cols.rank !== 2 || cols.shape[1] !== w) {
    throw new ShapeError(`resample2d: rows must be [h', ${h}] and cols [w', ${w}], got [${rows.shape.join(', ')}] and [${cols.shape.join(', ')}]`);
  }
  const h2 = rows.shape[0], w2 = cols.shape[0];
  const byRows = matmul(rows, reshape(transpose(x, [1, 0, 2, 3]), [h, n * w * c]));            // [h', n w c]
  const byCols = matmul(cols, reshape(transpose(reshape(byRows, [h2, n, w, c]), [2, 1, 0, 3]), [w, n * h2 * c]));
  return transpose(reshape(byCols, [w2, n, h2, c]), [1, 2, 0, 3]);
}
