/** Data helpers (the `my.data` namespace): CSV reading, shipped data sets, splits and one-hot encoding. */
export { readCsv, parseCsv } from './csv';
export type { ReadCsvOptions, CsvTable } from './csv';
export { loadDataset, DATASET_NAMES } from './datasets';
export type { Dataset, DatasetName } from './datasets';
export { trainTestSplit } from './split';
export type { TrainTestSplit, TrainTestSplitOptions } from './split';
export { oneHot } from './one-hot';
export type { MatrixLike } from './matrix';
