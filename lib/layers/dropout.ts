/** The Dropout layer (inverted dropout). */
import { dropoutKey } from '../backend/philox';
import { getBackend } from '../backend/select';
import { ValueError, describe } from '../errors';
import { mul } from '../ops/binary';
import { ones } from '../ops/creation';
import { philoxDropout } from '../ops/dropout';
import { generatorFor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { BackendCounter } from './backend-counter';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `dropout()`. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs set to zero during training, in [0, 1). Required. */
  rate: number;
  /** Seed of the layer's own mask generator; without one the global generator (`setSeed`) is used. */
  seed?: number;
}

/**
 * In training, y = x * m / (1 - rate) with m_i ~ Bernoulli(1 - rate) drawn afresh for each call; at
 * inference y = x (the identity).
 *
 * Masks come from Philox4x32-10, a counter-based generator that runs on the backend (lib/backend/philox.ts): its
 * key (two 32-bit words) is drawn once, when the layer is made, from a generator seeded with `seed` (or from the
 * global generator, `setSeed`, when there is none); its counter lives on the backend in a small state buffer
 * that every training call advances there. The same seed gives the same masks, call after call, bit for bit on
 * every backend (reference, cpu and cuda), and a training step with dropout can be recorded and replayed (or run
 * as a compiled program or CUDA graph) while still drawing a fresh mask each step. Element i of a call is kept
 * when (w_i >>> 8) 2^-24 >= rate, w_i its Philox word. `dispose` releases the state buffer.
 */
export class Dropout extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<DropoutArgs, keyof LayerArgs>>({ rate: true, seed: true });
  readonly className: string = 'Dropout';

  override get passesMask(): boolean {
    return true;
  }
  /** Fraction dropped. */
  readonly rate: number;
  /** The seed, if any. */
  readonly seed: number | undefined;
  /** The Philox key words, drawn once from the seed (or the global generator). */
  private readonly key: [number, number];
  /** The call counter on the backend, made at build or first training call. */
  private readonly counter = new BackendCounter();

  constructor(args: DropoutArgs, className = 'Dropout') {
    super(args, className);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) throw new ValueError(`dropout: rate must be a number in [0, 1), got ${describe(args.rate)}`);
    if (args.seed !== undefined && (typeof args.seed !== 'number' || !Number.isFinite(args.seed))) throw new ValueError(`dropout: seed must be a finite number, got ${describe(args.seed)}`);
    this.rate = args.rate;
    this.seed = args.seed;
    const rng = generatorFor(args.seed);
    this.key = dropoutKey(() => rng.nextUint32());
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    if (this.rate > 0) this.counter.on(getBackend());
  }

  call(x: Tensor, training: boolean): Tensor {
    if (!training || this.rate === 0) return x;
    const shape = this.noiseShape(x);
    if (shape === null) return philoxDropout(x, this.rate, this.key, this.counter.on(x.backend));
    // One mask value per noise element, broadcast over the rest (Keras's noise_shape).
    return mul(x, philoxDropout(ones(shape), this.rate, this.key, this.counter.on(x.backend)));
  }

  /**
   * The shape of the mask, broadcast against x (a dimension of 1 shares one draw along that axis), or null for one
   * draw per element. Null here; spatial dropout drops whole channels.
   */
  protected noiseShape(_x: Tensor): number[] | null {
    return null;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  protected override deterministicCall(): boolean {
    // The mask is a function of the key and the counter on the backend, which the recorded step holds as a buffer.
    return this.constructor === Dropout;
  }

  override getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) cfg.seed = this.seed;
    return cfg;
  }

  /** Releases the state buffer (and the weights, of which dropout has none). */
  override dispose(): void {
    this.counter.dispose();
    super.dispose();
  }
}

/** A `Dropout` layer: `dropout({ rate: 0.5 })`. */
export function dropout(args: DropoutArgs): Dropout {
  if (args === null || typeof args !== 'object') throw new ValueError(`dropout: options must be an object with rate, got ${describe(args)}`);
  return new Dropout(args);
}
