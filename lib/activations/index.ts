/** Activations by name (`getActivation`). */
export { getActivation, ACTIVATION_NAMES, LEAKY_RELU_ALPHA, leakyReluActivation as leakyRelu } from './activation';
export type { Activation, ActivationName, LeakyReluOptions } from './activation';
