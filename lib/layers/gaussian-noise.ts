/** The GaussianNoise layer: additive zero-mean normal noise in training (Keras's GaussianNoise). */
import { dropoutKey } from '../backend/philox';
import { getBackend } from '../backend/select';
import { ValueError, describe } from '../errors';
import { philoxGaussianNoise } from '../ops/dropout';
import { generatorFor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { BackendCounter } from './backend-counter';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `gaussianNoise()`. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise, finite and >= 0. Required. */
  stddev: number;
  /** Seed of the layer's own noise generator; without one the global generator (`setSeed`) is used. */
  seed?: number;
}

/**
 * In training, y = x + stddev * z with z ~ N(0, 1) drawn afresh for each call; at inference y = x. A regularizer
 * (and a form of data augmentation) for real-valued inputs.
 *
 * The noise comes from Philox4x32-10 on the backend (Box-Muller, native/common/gaussian_noise.h) under a key drawn
 * once from `seed` (or the global generator), with a call counter held on the backend: the same seed gives the same
 * noise call after call, and a training step with this layer is recorded, compiled and replayed with fresh noise at
 * every step. `dispose` releases the counter.
 */
export class GaussianNoise extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<GaussianNoiseArgs, keyof LayerArgs>>({ stddev: true, seed: true });
  readonly className = 'GaussianNoise';

  override get passesMask(): boolean {
    return true;
  }
  /** Standard deviation. */
  readonly stddev: number;
  /** The seed, if any. */
  readonly seed: number | undefined;
  private readonly key: [number, number];
  private readonly counter = new BackendCounter();

  constructor(args: GaussianNoiseArgs) {
    super(args, 'GaussianNoise');
    if (typeof args.stddev !== 'number' || !Number.isFinite(args.stddev) || args.stddev < 0) {
      throw new ValueError(`${this.name}: stddev must be a finite number >= 0, got ${describe(args.stddev)}`);
    }
    if (args.seed !== undefined && (typeof args.seed !== 'number' || !Number.isFinite(args.seed))) {
      throw new ValueError(`${this.name}: seed must be a finite number, got ${describe(args.seed)}`);
    }
    this.stddev = args.stddev;
    this.seed = args.seed;
    const rng = generatorFor(args.seed);
    this.key = dropoutKey(() => rng.nextUint32());
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    if (this.stddev > 0) this.counter.on(getBackend());
  }

  call(x: Tensor, training: boolean): Tensor {
    if (!training || this.stddev === 0) return x;
    return philoxGaussianNoise(x, this.stddev, this.key, this.counter.on(x.backend));
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  protected override deterministicCall(): boolean {
    // The noise is a function of the key and the counter on the backend, which the recorded step holds as a buffer.
    return this.constructor === GaussianNoise;
  }

  override getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { ...super.getConfig(), stddev: this.stddev };
    if (this.seed !== undefined) cfg.seed = this.seed;
    return cfg;
  }

  /** Releases the counter buffer. */
  override dispose(): void {
    this.counter.dispose();
    super.dispose();
  }
}

/** A `GaussianNoise` layer: `gaussianNoise({ stddev: 0.1 })`. */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  if (args === null || typeof args !== 'object') throw new ValueError(`gaussianNoise: options must be an object with stddev, got ${describe(args)}`);
  return new GaussianNoise(args);
}
