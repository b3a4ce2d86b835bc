/** The public schedule factories (`my.optimizers.schedules`). */
export { exponentialDecay, cosineDecay, piecewiseConstantDecay } from './schedules';
export type { ExponentialDecayOptions, CosineDecayOptions, PiecewiseConstantDecayOptions, LearningRateSchedule } from './schedules';
