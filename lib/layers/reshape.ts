/** The Reshape layer: each sample to `targetShape` (one entry may be -1, inferred), as Keras. */
import { ShapeError, ValueError, describe } from '../errors';
import { reshape as reshapeOp } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `reshape()`. */
export interface ReshapeArgs extends LayerArgs {
  /** Shape of one output sample (batch excluded): positive integers, at most one -1 (inferred from the size). */
  targetShape: number[];
}

/** Reshapes each sample to `targetShape`; the batch dimension is kept. No weights. */
export class Reshape extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<ReshapeArgs, keyof LayerArgs>>({ targetShape: true });
  readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    if (args === null || typeof args !== 'object') throw new ValueError(`reshape: options must be an object with targetShape, got ${describe(args)}`);
    super(args, 'Reshape');
    const t = args.targetShape;
    if (!Array.isArray(t) || t.length === 0 || t.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
      throw new ValueError(`${this.name}: targetShape must be a non-empty array of positive integers with at most one -1, got ${describe(t)}`);
    }
    if (t.filter((d) => d === -1).length > 1) throw new ValueError(`${this.name}: targetShape may hold one -1 only, got [${t.join(', ')}]`);
    this.targetShape = t.slice();
  }

  call(x: Tensor): Tensor {
    return reshapeOp(x, [x.shape[0], ...this.computeOutputShape(x.shape.slice(1))]);
  }

  /** targetShape with its -1 resolved; ShapeError naming the layer when the sizes cannot agree. */
  computeOutputShape(inputShape: number[]): number[] {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const hasFree = this.targetShape.includes(-1);
    if (hasFree ? size % known !== 0 : size !== known) {
      throw new ShapeError(`${this.name}: cannot reshape samples of shape [${inputShape.join(', ')}] (${size} values) to [${this.targetShape.join(', ')}]`);
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape.slice() };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Reshape;
  }
}

/** A `Reshape` layer: `reshape({ targetShape: [4, -1] })`. */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
