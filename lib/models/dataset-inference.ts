/** `evaluate` and `predict` over a Dataset of batches, and the reading of one batch that `fit` shares. */
import { noGrad } from '../autograd/tape';
import { Dataset } from '../data/dataset';
import { disposeElement } from '../data/batch-stack';
import { ShapeError, ValueError, describe } from '../errors';
import { concat } from '../ops/indexing';
import { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/scope';
import type { Compiled } from './compile';
import { checkReturnDict, evaluateBatch, evaluationValue, metricResults, ownCopy, type EvaluateResult, type EvaluationResult } from './evaluate';
import { prepareXY, type Prepared } from './fit-data';
import { toTensor } from './input-data';
import { packData } from './graph-data';
import { DeviceLossSum } from './loss-sum';
import type { Model } from './model';
import { checkOptions, optionKeys } from '../options/strict';

/** The x and y of a batch element: `{ xs, ys }` (tfjs) or `[xs, ys]`. */
export function batchXY(e: unknown, where: string): [unknown, unknown] {
  if (Array.isArray(e) && e.length === 2 && !e.every((v) => typeof v === 'number')) return [e[0], e[1]];
  if (e !== null && typeof e === 'object' && 'xs' in e && 'ys' in e) return [(e as { xs: unknown }).xs, (e as { ys: unknown }).ys];
  throw new ValueError(`${where} must be a batch { xs, ys } or [xs, ys] of Tensors, got ${describe(e)}${e !== null && typeof e === 'object' && 'xs' in e ? ' (no ys: give the dataset a target)' : ''}`);
}

/** A batch x: a Tensor, an object of inputs by name, or an array of Tensors (one per input). */
const isBatchX = (v: unknown): boolean => v instanceof Tensor || (Array.isArray(v) ? v.length > 0 && v.every((t) => t instanceof Tensor) :
  v !== null && typeof v === 'object' && !ArrayBuffer.isView(v));

/** The x of a batch element for predict: `{ xs }`, `[xs, ys]`, or the Tensor itself. */
function batchX(e: unknown, where: string): unknown {
  if (e instanceof Tensor) return e;
  if (e !== null && typeof e === 'object' && 'xs' in e) return (e as { xs: unknown }).xs;
  if (Array.isArray(e) && e.length === 2 && isBatchX(e[0])) return e[0];
  throw new ValueError(`${where} must be a batch Tensor, { xs } or [xs, ys], got ${describe(e)}`);
}

/**
 * Validates a batch as fit and evaluate do for arrays (shapes against the model, labels, finite values), with a
 * hint when the samples were not batched. The caller disposes the result and the element.
 */
export function prepareBatch(model: Model, compiled: Compiled, e: unknown, where: string): Prepared {
  const [x, y] = batchXY(e, where);
  if (ArrayBuffer.isView(x) || typeof x === 'number') {
    throw new ShapeError(`${where}: xs is one sample (${describe(x)}), not a batch; call dataset.batch(batchSize) before fit / evaluate`);
  }
  const packed = packData(model, x, y, where);
  try {
    const p = prepareXY(model, compiled, packed.x, packed.y, where);
    return { ...p, dispose: () => { p.dispose(); packed.dispose(); } };
  } catch (err) {
    packed.dispose();
    throw err;
  }
}

/** Options of evaluate and predict on a Dataset. */
export interface DatasetInferenceOptions {
  /** Most batches to read (default: until the dataset ends). */
  steps?: number;
}

/** Options of `model.evaluate(dataset)`: `steps`, and `returnDict` as for arrays (see `EvaluateOptions`). */
export interface DatasetEvaluateOptions extends DatasetInferenceOptions {
  /** Return `{ loss, [metricName]: value }` (Keras's `return_dict=True`). Default false. */
  returnDict?: boolean;
}

/** The keys of DatasetInferenceOptions. */
const DATASET_INFERENCE_KEYS = optionKeys<DatasetInferenceOptions>({ steps: true });
/** The keys of DatasetEvaluateOptions. */
const DATASET_EVALUATE_KEYS = optionKeys<DatasetEvaluateOptions>({ steps: true, returnDict: true });

/** The `steps` option: a positive integer or undefined. */
export function stepsOption(v: unknown, op: string, name = 'steps'): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${op}: ${name} must be an integer >= 1, got ${describe(v)}`);
  return v;
}

/** @internal Loss and metrics over the batches of `dataset` (at most `steps`) in inference mode. */
export async function evaluateDatasetCompiled(model: Model, compiled: Compiled, dataset: Dataset, steps: number | undefined, op: string): Promise<EvaluationResult> {
  for (const m of compiled.metrics) m.reset();
  const lossSum = new DeviceLossSum();
  let b = 0;
  try {
    for await (const e of dataset) {
      try {
        const p = prepareBatch(model, compiled, e, `${op}: batch ${b}`);
        try {
          evaluateBatch(model, compiled, p.x, p.y, 0, p.n, lossSum);
        } finally {
          p.dispose();
        }
      } finally {
        disposeElement(e);
      }
      if (++b === steps) break;
    }
    if (b === 0) throw new ValueError(`${op}: the dataset yielded no batches`);
    await model.weights[0]?.backend.settleAsync?.();
    return { loss: lossSum.mean(), metrics: metricResults(compiled) };
  } finally {
    lossSum.dispose();
  }
}

/** `model.evaluate(dataset)`: the loss, or [loss, ...metrics] (or with `returnDict` a record), over the dataset's batches. */
export async function evaluateDataset(model: Model, dataset: Dataset, options: DatasetEvaluateOptions = {}): Promise<EvaluateResult> {
  if (options === null || typeof options !== 'object') throw new ValueError(`evaluate: options must be an object, got ${describe(options)}`);
  checkOptions('evaluate', options, DATASET_EVALUATE_KEYS);
  const compiled = model.requireCompiled('evaluate');
  const steps = stepsOption(options.steps, 'evaluate');
  const returnDict = checkReturnDict(options.returnDict, 'evaluate');
  return evaluationValue(compiled, await evaluateDatasetCompiled(model, compiled, dataset, steps, 'evaluate'), returnDict);
}

/**
 * `model.predict(dataset)`: the outputs of every batch (at most `steps`), concatenated along the batch axis (a model
 * of several outputs: packed side by side, as `callPacked`).
 */
export async function predictDataset(model: Model, dataset: Dataset, options: DatasetInferenceOptions = {}): Promise<Tensor> {
  if (options === null || typeof options !== 'object') throw new ValueError(`predict: options must be an object, got ${describe(options)}`);
  checkOptions('predict', options, DATASET_INFERENCE_KEYS);
  const steps = stepsOption(options.steps, 'predict');
  const parts: Tensor[] = [];
  let b = 0;
  try {
    for await (const e of dataset) {
      try {
        const where = `predict: batch ${b}`;
        const packed = packData(model, batchX(e, where), null, where);
        try {
          const cx = toTensor(packed.x, `${where}: xs`);
          try {
            model.ensureBuilt(cx.tensor, where);
            parts.push(noGrad(() => tidy(() => ownCopy(model.callPacked(cx.tensor, false), cx.tensor))));
          } finally {
            if (cx.owned) cx.tensor.dispose();
          }
        } finally {
          packed.dispose();
        }
      } finally {
        disposeElement(e);
      }
      if (++b === steps) break;
    }
    if (parts.length === 0) throw new ValueError('predict: the dataset yielded no batches');
    return parts.length === 1 ? parts.pop() as Tensor : concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}
