/** Optimizers with one fused backend call per step, learning-rate schedules and gradient clipping. */
export { Optimizer } from './optimizer';
export type { OptimizerOptions, OptimizerStateEntry } from './optimizer';
export type { OptimizerConvention } from './convention';
export type { GradientPair } from './gradient-pairs';
export { SGD, sgd } from './sgd';
export type { SgdOptions } from './sgd';
export { Adam, adam } from './adam';
export type { AdamOptions } from './adam';
export { AdamW, adamw } from './adamw';
export { Adagrad, adagrad } from './adagrad';
export type { AdagradOptions } from './adagrad';
export { RMSprop, rmsprop } from './rmsprop';
export type { RmspropOptions } from './rmsprop';
export { getOptimizer } from './registry';
export * as schedules from './schedules-public';
export type { LearningRate, LearningRateSchedule } from './schedules';
export type { ClipOptions } from './clipping';
