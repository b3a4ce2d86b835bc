/** Streaming metrics (Keras semantics). */
export type { Metric } from './metric';
export { getMetric } from './metric';
export { accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy';
export { meanSquaredError, meanAbsoluteError } from './regression';
export { precision, recall } from './precision-recall';
export { auc } from './auc';
export { f1Score, fBetaScore } from './f-score';
export type { FScoreAverage, FScoreMetric, FScoreOptions } from './f-score';
export { topKCategoricalAccuracy, sparseTopKCategoricalAccuracy } from './top-k';
export type { TopKOptions } from './top-k';
export { rootMeanSquaredError } from './regression';
export { r2Score } from './r2';
export type { R2ScoreOptions } from './r2';
export { functionMetric } from './function-metric';
export type { MetricFunction } from './function-metric';
export type { AucOptions } from './auc';
