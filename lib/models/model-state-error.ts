import { MyelinError } from '../errors';

/**
 * The model is in a state that does not allow the call: not compiled, not built, or already training
 * (a second `fit` while one runs).
 */
export class ModelStateError extends MyelinError {}
