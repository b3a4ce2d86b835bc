/** The Flatten layer: [batch, d1, d2, ...] -> [batch, d1 * d2 * ...]. */
import { flatten as flattenOp } from '../ops/indexing';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';

/** Collapses every dimension after the batch dimension. No weights. */
export class Flatten extends Layer {
  static override readonly optionKeys: readonly string[] = [];
  readonly className = 'Flatten';

  constructor(args: LayerArgs = {}) {
    super(args, 'Flatten');
  }

  call(x: Tensor): Tensor {
    return x.rank === 2 ? x : flattenOp(x);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Flatten;
  }
}

/** A `Flatten` layer. */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}
