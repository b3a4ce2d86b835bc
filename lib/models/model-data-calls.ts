/**
 * The data entry points of `Model` (fit, evaluate, predict and their async forms) past the model's own checks:
 * x and y packed per the graph's inputs and outputs (lib/models/graph-data.ts) and freed afterwards, a
 * `my.data.Dataset` routed to the dataset forms, the outputs unpacked to one tensor per output.
 */
import { Dataset } from '../data/dataset';
import { asDistributedError } from '../distributed/fit-sync';
import type { Tensor } from '../tensor/tensor';
import { evaluateDataset, predictDataset, type DatasetEvaluateOptions, type DatasetInferenceOptions } from './dataset-inference';
import { evaluateModel, predictModel, type EvaluateOptions, type EvaluateResult, type PredictOptions } from './evaluate';
import { fitModel, type FitOptions } from './fit';
import { fitDatasetModel, type FitDatasetOptions } from './fit-dataset';
import { packData, unpackOutputs, type ModelData } from './graph-data';
import type { History } from './history';
import { evaluateModelAsync, predictModelAsync, type AsyncEvaluateOptions, type AsyncInferenceOptions } from './inference-async';
import type { Model } from './model';

/**
 * `model.fit(x, y, options)` or `model.fit(dataset, options)`; packing errors reject the promise, and a step whose
 * distributed peers did not deliver rejects it with a DistributedError naming them.
 */
export function fitData(model: Model, x: ModelData | Dataset, y: ModelData | FitDatasetOptions | undefined, options: FitOptions): Promise<History> {
  return fitAnyData(model, x, y, options).catch((err: unknown) => { throw asDistributedError(err); });
}

function fitAnyData(model: Model, x: ModelData | Dataset, y: ModelData | FitDatasetOptions | undefined, options: FitOptions): Promise<History> {
  if (x instanceof Dataset) return fitDatasetModel(model, x, (y ?? {}) as FitDatasetOptions);
  let data: ReturnType<typeof packData>;
  let val: ReturnType<typeof packData> | null = null;
  try {
    data = packData(model, x, y, 'fit');
    const vd = options !== null && typeof options === 'object' ? options.validationData : undefined;
    if (Array.isArray(vd) && vd.length >= 2) val = packData(model, vd[0], vd[1], 'fit: validationData');
  } catch (err) {
    return Promise.reject(err);
  }
  const opts = val ? { ...options, validationData: [val.x, val.y] as [Tensor, Tensor] } : options;
  return fitModel(model, data.x, data.y, opts).finally(() => { data.dispose(); val?.dispose(); });
}

/** `model.evaluate(x, y, options)` (a result now) or `model.evaluate(dataset, options)` (a promise). */
export function evaluateData(model: Model, x: ModelData | Dataset, y: ModelData | DatasetEvaluateOptions | undefined,
  options: EvaluateOptions): EvaluateResult | Promise<EvaluateResult> {
  if (x instanceof Dataset) return evaluateDataset(model, x, y as DatasetEvaluateOptions);
  const data = packData(model, x, y, 'evaluate');
  try {
    return evaluateModel(model, data.x, data.y, options);
  } finally {
    data.dispose();
  }
}

/** `model.predict(x, options)` (tensors now) or `model.predict(dataset, options)` (a promise). */
export function predictData(model: Model, x: ModelData | Dataset, options: PredictOptions | DatasetInferenceOptions): Tensor | Tensor[] | Promise<Tensor | Tensor[]> {
  if (x instanceof Dataset) return predictDataset(model, x, options as DatasetInferenceOptions).then((out) => unpackOutputs(model.requireGraph('predict'), out));
  const data = packData(model, x, null, 'predict');
  try {
    const out = predictModel(model, data.x, options as PredictOptions);
    return unpackOutputs(model.requireGraph('predict'), out);
  } finally {
    data.dispose();
  }
}

/** `model.predictAsync(x, options)`. */
export async function predictDataAsync(model: Model, x: ModelData, options: AsyncInferenceOptions): Promise<Tensor | Tensor[]> {
  const data = packData(model, x, null, 'predictAsync');
  try {
    const out = await predictModelAsync(model, data.x, options);
    return unpackOutputs(model.requireGraph('predictAsync'), out);
  } finally {
    data.dispose();
  }
}

/** `model.evaluateAsync(x, y, options)`. */
export async function evaluateDataAsync(model: Model, x: ModelData, y: ModelData, options: AsyncEvaluateOptions): Promise<EvaluateResult> {
  const data = packData(model, x, y, 'evaluateAsync');
  try {
    return await evaluateModelAsync(model, data.x, data.y, options);
  } finally {
    data.dispose();
  }
}
