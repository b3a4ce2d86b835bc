/** The Masking layer (Keras `Masking`): marks the time steps whose features all equal `maskValue` as padding. */
import { noGrad } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import { equal, mul, sub } from '../ops/binary';
import { max } from '../ops/reduce';
import { expandDims } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import { optionKeys } from '../options/strict';
import { Layer, type LayerArgs } from './layer';

/** Options of `masking()`. */
export interface MaskingArgs extends LayerArgs {
  /** The padding value: a step is masked when every feature equals it. Default 0. */
  maskValue?: number;
}

/**
 * For x [batch, time, features]: mask[b, t] = 1 when some x[b, t, f] != maskValue, else 0; the output is
 * x[b, t, f] mask[b, t] (masked steps become 0, as Keras). The mask goes to the layers after it: recurrent layers
 * keep their state over masked steps.
 */
export class Masking extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<MaskingArgs, keyof LayerArgs>>({ maskValue: true });
  readonly className = 'Masking';
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args, 'Masking');
    const v = args.maskValue ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`masking: maskValue must be a number, got ${describe(v)}`);
    this.maskValue = v;
  }

  /** mask [batch, time] of x [batch, time, features]. */
  maskOf(x: Tensor): Tensor {
    if (x.rank !== 3) throw new ShapeError(`${this.name}: input must have shape [batch, time, features], got [${x.shape.join(', ')}]`);
    return noGrad(() => max(sub(1, equal(x, this.maskValue)), 2));
  }

  call(x: Tensor): Tensor {
    return mul(x, expandDims(this.maskOf(x), 2));
  }

  override computeOutputMask(xs: Tensor[]): Tensor {
    return this.maskOf(xs[0]);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Masking;
  }
}

/** A `Masking` layer: `masking({ maskValue: 0, inputShape: [T, F] })`. */
export function masking(args: MaskingArgs = {}): Masking {
  if (args === null || typeof args !== 'object') throw new ValueError(`masking: options must be an object, got ${describe(args)}`);
  return new Masking(args);
}
