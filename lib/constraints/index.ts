/** Weight constraints: `maxNorm`, `nonNeg`, `unitNorm`, `getConstraint` (Keras 3 semantics). */
export { maxNorm, nonNeg, unitNorm, getConstraint } from './constraint';
export type { Constraint, MaxNormOptions, UnitNormOptions } from './constraint';
