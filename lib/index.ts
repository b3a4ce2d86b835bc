/**
 * myelin: deep-learning training for Node.js on native kernels.
 * @packageDocumentation
 */
export * from './ops/index';
export { Tensor } from './tensor/tensor';
export type { NestedArray } from './tensor/tensor';
export { Variable, variable } from './tensor/variable';
export { tidy, keep } from './tensor/scope';
export { memory } from './tensor/memory';
export type { MemoryInfo } from './tensor/memory';
export { setSeed, Random } from './tensor/random';
export { valueAndGrads, grads } from './autograd/gradients';
export type { ValueAndGrads } from './autograd/gradients';
export { noGrad } from './autograd/tape';
export { backendInfo, setBackend } from './backend/select';
export type { BackendInfo, BackendOptions } from './backend/select';
export type { BackendName } from './backend/backend';
export { MyelinError, ShapeError, ValueError, DisposedError, BackendError, ModelFormatError, IOError, ResourceError } from './errors';
export * as optimizers from './optimizers/index';
export * as losses from './losses/index';
export * as regularizers from './regularizers/index';
export * as metrics from './metrics/index';
export * as initializers from './initializers/index';
export * as activations from './activations/index';
export * as layers from './layers/index';
export * as callbacks from './callbacks/index';
export { sequential, Sequential } from './models/sequential';
export type { SequentialConfig } from './models/sequential';
export type { History, FitParams } from './models/history';
export type { FitOptions } from './models/fit';
export type { FitDatasetOptions } from './models/fit-dataset';
export type { DatasetInferenceOptions } from './models/dataset-inference';
export type { AsyncInferenceOptions } from './models/inference-async';
export { AbortError } from './engine/abort';
export type { FitStrategy, StrategyChoice } from './engine/strategy';
export type { CompileArgs } from './models/compile';
export { ModelStateError } from './models/model-state-error';
export * as scalers from './scalers/index';
export * as data from './data/index';
export * as preprocessing from './preprocessing/index';
export { loadModel } from './io/index';
export type { SaveOptions, LoadOptions } from './io/index';
