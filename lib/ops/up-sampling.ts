/** Nearest-neighbour up-sampling of images, channels last (Keras's UpSampling2D, PyTorch's `F.interpolate(mode='nearest')`). */
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './checks';
import { broadcastTo, reshape } from './reshape';

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
