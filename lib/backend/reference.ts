/**
 * Entry point of the pure-TypeScript reference backend (implementation in ./reference/). The per-element
 * formulas shared with the ops layer are re-exported from ./reference/unary-math.
 */
export { createReferenceBackend } from './reference/index';
export { unaryForward, unaryDerivative, binaryForward, erf, erfc, sigmoid } from './reference/unary-math';
