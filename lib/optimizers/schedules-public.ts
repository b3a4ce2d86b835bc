/** The public schedule factories (`my.optimizers.schedules`). */
export { exponentialDecay, cosineDecay, piecewiseConstantDecay, polynomialDecay } from './schedules';
export type { ExponentialDecayOptions, CosineDecayOptions, PiecewiseConstantDecayOptions, PolynomialDecayOptions, LearningRateSchedule } from './schedules';
