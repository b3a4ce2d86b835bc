/** Activation names understood by layers, their functions, and the `Activation` layer. */
import { ValueError, describe } from '../errors';
import { ACTIVATION_NAMES, getActivation, type ActivationName } from '../activations/activation';
import type { Tensor } from '../tensor/tensor';
import { optionKeys } from '../options/strict';

export type { ActivationName };
import { Layer, type LayerArgs } from './layer';

/** Activations a layer accepts by name (see lib/activations). */
export const ACTIVATIONS = ACTIVATION_NAMES;

/** Resolves an activation name (undefined/null = 'linear'); throws ValueError naming `owner`. */
export function checkActivation(name: unknown, owner: string): ActivationName {
  if (name === undefined || name === null) return 'linear';
  if (typeof name === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(name)) return name as ActivationName;
  throw new ValueError(`${owner}: activation must be one of ${ACTIVATION_NAMES.join(', ')}, got ${describe(name)}`);
}

/** Applies a named activation (formulas in lib/activations; softmax over the last axis). */
export function applyActivation(name: ActivationName, x: Tensor): Tensor {
  return getActivation(name).apply(x);
}

/** Options of `activation()`. */
export interface ActivationArgs extends LayerArgs {
  /** The activation's name (see `ACTIVATIONS`). Required. */
  activation: string;
}

/** A layer with no weights that applies a named activation elementwise. */
export class Activation extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<ActivationArgs, keyof LayerArgs>>({ activation: true });
  readonly className = 'Activation';

  override get passesMask(): boolean {
    return true;
  }
  /** The activation applied. */
  readonly activation: ActivationName;

  constructor(args: ActivationArgs) {
    super(args, 'Activation');
    if (args.activation === undefined) throw new ValueError('activation: options.activation is required (e.g. "relu")');
    this.activation = checkActivation(args.activation, 'activation');
  }

  call(x: Tensor): Tensor {
    return applyActivation(this.activation, x);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === Activation;
  }
}

/** An `Activation` layer: `activation({ activation: 'relu' })`. */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
