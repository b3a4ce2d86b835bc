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
export * as constraints from './constraints/index';
export * as callbacks from './callbacks/index';
export { sequential, Sequential } from './models/sequential';
export { model, Model, Functional } from './models/model';
export type { ModelArgs } from './models/model';
export type { GraphModelConfig, GraphLayerConfig, TensorRef } from './models/graph-config';
export type { ModelData } from './models/graph-data';
export { input } from './layers/input-layer';
export type { InputArgs } from './layers/input-layer';
export { SymbolicTensor } from './layers/symbolic';
export type { SequentialConfig } from './models/sequential';
export type { History, FitParams } from './models/history';
export type { FitOptions } from './models/fit';
export type { AsyncInferenceOptions, AsyncEvaluateOptions } from './models/inference-async';
export type { EvaluateOptions, EvaluateResult } from './models/evaluate';
export { AbortError } from './engine/abort';
export type { FitStrategy, StrategyChoice } from './engine/strategy';
export type { CompileArgs } from './models/compile';
export { ModelStateError } from './models/model-state-error';
export * as scalers from './scalers/index';
export * as data from './data/index';
export { loadModel } from './io/index';
export type { SaveOptions, LoadOptions } from './io/index';
