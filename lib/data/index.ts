/** Data helpers (the `my.data` namespace): datasets (arrays, generators, streamed CSV), CSV reading, shipped data sets, splits, one-hot. */
export { readCsv, parseCsv } from './csv';
export type { ReadCsvOptions, CsvTable } from './csv';
export { loadDataset, DATASET_NAMES } from './datasets';
export type { Dataset as LoadedDataset, DatasetName } from './datasets';
export { trainTestSplit } from './split';
export type { TrainTestSplit, TrainTestSplitOptions } from './split';
export { oneHot } from './one-hot';
export { shardRows } from './shard';
export type { ShardRowsOptions } from './shard';
export type { MatrixLike } from './matrix';
export { Dataset } from './dataset';
export type { BatchOptions } from './dataset';
export { fromArrays, fromGenerator } from './dataset-sources';
export type { ArraySample, GeneratorSource } from './dataset-sources';
export { fromCsv, CsvDataset } from './csv-stream';
export type { CsvRow, FromCsvOptions, CsvSchema } from './csv-stream';
export type { ColumnType } from './csv-fields';
