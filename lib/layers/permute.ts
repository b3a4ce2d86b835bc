/** The Permute layer: reorders the axes of each sample, `dims` 1-based as Keras (the batch axis stays first). */
import { ShapeError, ValueError, describe } from '../errors';
import { transpose } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `permute()`. */
export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank of a sample: output axis i is input axis dims[i] (1-based; 0 is the batch axis). */
  dims: number[];
}

/** out[b, ...] with sample axes reordered: output sample axis i takes input axis dims[i]. No weights. */
export class Permute extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<PermuteArgs, keyof LayerArgs>>({ dims: true });
  readonly className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    if (args === null || typeof args !== 'object') throw new ValueError(`permute: options must be an object with dims, got ${describe(args)}`);
    super(args, 'Permute');
    const d = args.dims;
    const sorted = Array.isArray(d) ? d.slice().sort((p, q) => p - q) : [];
    if (!Array.isArray(d) || d.length === 0 || sorted.some((v, i) => v !== i + 1)) {
      throw new ValueError(`${this.name}: dims must be a permutation of 1..n (1-based sample axes, as Keras), got ${describe(d)}`);
    }
    this.dims = d.slice();
  }

  call(x: Tensor): Tensor {
    return transpose(x, [0, ...this.dims]);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== this.dims.length) {
      throw new ShapeError(`${this.name}: dims [${this.dims.join(', ')}] permute samples of rank ${this.dims.length}, got samples of shape [${inputShape.join(', ')}]`);
    }
    return this.dims.map((a) => inputShape[a - 1]);
  }

  override build(inputShape: number[]): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: this.dims.slice() };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Permute;
  }
}

/** A `Permute` layer: `permute({ dims: [2, 1] })`. */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}
