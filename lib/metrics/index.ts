/** Streaming metrics (Keras semantics). */
export type { Metric } from './metric';
export { getMetric } from './metric';
export { accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy';
export { meanSquaredError, meanAbsoluteError } from './regression';
export { precision, recall } from './precision-recall';
export { auc } from './auc';
export type { AucOptions } from './auc';
