/** `Model.setWeights`: the new weights checked against the model's (count, type, shape) before any is set. */
import { ShapeError, ValueError, describe } from '../errors';
import type { Layer } from '../layers/layer';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';

/**
 * Sets the weights `own` of `layers` (in layer order) to `ws`: the same count, each a Tensor of its weight's
 * shape; ShapeError / ValueError naming the first that is not, with nothing changed.
 */
export function setModelWeights(layers: readonly Layer[], own: readonly Variable[], ws: Tensor[]): void {
  if (!Array.isArray(ws) || ws.length !== own.length) {
    throw new ShapeError(`setWeights: the model has ${own.length} weights, got ${Array.isArray(ws) ? ws.length : describe(ws)}`);
  }
  let at = 0;
  const slices = layers.map((l) => { const part = ws.slice(at, at + l.weights.length); at += l.weights.length; return part; });
  ws.forEach((w, i) => {
    if (!(w instanceof Tensor)) throw new ValueError(`setWeights: weights[${i}] must be a Tensor, got ${describe(w)}`);
    if (w.shape.length !== own[i].shape.length || w.shape.some((d, j) => d !== own[i].shape[j])) {
      throw new ShapeError(`setWeights: weights[${i}] (${own[i].name}) must have shape [${own[i].shape.join(', ')}], got [${w.shape.join(', ')}]`);
    }
  });
  layers.forEach((l, i) => l.setWeights(slices[i]));
}
