/**
 * `my.mixedPrecision`, as Keras's `keras.mixed_precision`: dtype policies (`setGlobalPolicy('mixed_bfloat16')`,
 * a layer's `dtype` option) and the LossScaleOptimizer of mixed_float16. See docs/mixed-precision.md.
 */
export { Policy, setGlobalPolicy, getGlobalPolicy, POLICY_NAMES } from './policy';
export type { PolicyName, PolicySpec, ComputeDtype } from './policy';
export { LossScaleOptimizer, lossScaleOptimizer } from '../optimizers/loss-scale-optimizer';
export type { LossScaleOptimizerOptions } from '../optimizers/loss-scale-optimizer';
