/** Activation functions by name, with the name (and parameter) the fused dense op understands. */
import { ValueError, describe } from '../errors';
import type { DenseActivation } from '../ops/fused';
import { softmax } from '../ops/softmax';
import { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';

/** An activation: the op and how the fused dense op can apply it. */
export interface Activation {
  /** The canonical name ('swish' is an alias of 'silu' and keeps its own name). */
  readonly name: ActivationName;
  /** Applies the activation (softmax over the last axis). */
  apply(x: Tensor): Tensor;
  /** The activation name `dense(x, w, b, activation, param)` applies in its epilogue, or null (softmax). */
  readonly fused: DenseActivation | null;
  /** The parameter for the fused op (leakyRelu alpha 0.2, elu alpha 1, else 0). */
  readonly param: number;
}

/** The slope of the activation 'leakyRelu' and the default of `leakyRelu(x)`: 0.2, as Keras 3's activation. */
export const LEAKY_RELU_ALPHA = 0.2;

/** Options of the activation function `leakyRelu`. */
export interface LeakyReluOptions {
  /** Slope for x < 0 (finite, >= 0). Default 0.2 (Keras 3's `negative_slope`). */
  alpha?: number;
}

/**
 * The activation function x >= 0 ? x : alpha * x (`my.activations.leakyRelu(x, { alpha })`, Keras 3's
 * `keras.activations.leaky_relu`). Default alpha 0.2.
 */
export function leakyReluActivation(x: Tensor, options: LeakyReluOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') throw new ValueError(`activations.leakyRelu: options must be an object, got ${describe(options)}`);
  const alpha = options.alpha ?? LEAKY_RELU_ALPHA;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) {
    throw new ValueError(`activations.leakyRelu: alpha must be a finite number >= 0, got ${describe(alpha)}`);
  }
  return leakyRelu(x, alpha);
}

/** Names `getActivation` accepts. */
export const ACTIVATION_NAMES = ['linear', 'relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'swish', 'sigmoid', 'tanh', 'softplus', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

const TABLE: Record<ActivationName, Omit<Activation, 'name'>> = {
  linear: { apply: (x) => x, fused: 'linear', param: 0 },
  relu: { apply: relu, fused: 'relu', param: 0 },
  /** x > 0 ? x : 0.2 x (Keras 3's activation 'leaky_relu': keras/src/activations/activations.py, negative_slope 0.2). */
  leakyRelu: { apply: (x) => leakyRelu(x, LEAKY_RELU_ALPHA), fused: 'leakyRelu', param: LEAKY_RELU_ALPHA },
  /** x > 0 ? x : exp(x) - 1. */
  elu: { apply: (x) => elu(x, 1), fused: 'elu', param: 1 },
  /** x Phi(x), exact erf form. */
  gelu: { apply: gelu, fused: 'gelu', param: 0 },
  silu: { apply: silu, fused: 'silu', param: 0 },
  swish: { apply: silu, fused: 'silu', param: 0 },
  sigmoid: { apply: sigmoid, fused: 'sigmoid', param: 0 },
  tanh: { apply: tanh, fused: 'tanh', param: 0 },
  softplus: { apply: softplus, fused: 'softplus', param: 0 },
  softmax: { apply: (x) => softmax(x), fused: null, param: 0 },
};

/**
 * The activation for a name ('linear', 'relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'swish', 'sigmoid',
 * 'tanh', 'softplus', 'softmax'); null and undefined mean 'linear'.
 */
export function getActivation(id: ActivationName | string | null | undefined): Activation {
  const name = id ?? 'linear';
  if (typeof name !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    throw new ValueError(`getActivation: activation must be one of ${ACTIVATION_NAMES.join(', ')}, got ${describe(id)}`);
  }
  return { name: name as ActivationName, ...TABLE[name as ActivationName] };
}
