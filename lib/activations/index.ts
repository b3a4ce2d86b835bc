/** Activations by name (`getActivation`). */
export { getActivation, ACTIVATION_NAMES } from './activation';
export type { Activation, ActivationName } from './activation';
