/** `evaluate` and `predict`: batched inference. */
import { noGrad } from '../autograd/tape';
import { withPrevalidatedLabels } from '../losses/categorical-crossentropy';
import { DeviceLossSum } from './loss-sum';
import { ValueError, describe } from '../errors';
import { concat, slice } from '../ops/indexing';
import { tidy } from '../tensor/scope';
import { mulScalar } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { prepareXY } from './fit-data';
import { toTensor, type InputData } from './input-data';
import type { Model } from './model';
import { batchLoss, metricInput } from './step';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Samples per forward pass. Default 32 (only memory use depends on it). */
  batchSize?: number;
  /**
   * Return `{ loss, [metricName]: value }` (Keras's `return_dict=True`) instead of the loss or [loss, ...metrics].
   * Default false.
   */
  returnDict?: boolean;
}

/** What `evaluate` returns: the loss, [loss, ...metrics] in compile order, or with `returnDict` a record by name. */
export type EvaluateResult = number | number[] | Record<string, number>;

/** @internal The returnDict option of `op` (default false). */
export function checkReturnDict(v: unknown, op: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValueError(`${op}: returnDict must be a boolean, got ${describe(v)}`);
  return v;
}

/** Options of `predict`. */
export interface PredictOptions {
  /** Samples per forward pass. Default 32. */
  batchSize?: number;
}

/** The keys of EvaluateOptions. */
const EVALUATE_KEYS = optionKeys<EvaluateOptions>({ batchSize: true, returnDict: true });
/** The keys of PredictOptions. */
const PREDICT_KEYS = optionKeys<PredictOptions>({ batchSize: true });

/** @internal The batchSize option of `op` (default 32). */
export function checkBatchSize(v: unknown, op: string): number {
  if (v === undefined) return 32;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${op}: batchSize must be an integer >= 1, got ${describe(v)}`);
  return v;
}

/**
 * @internal The loss and metric update of the batch of `count` rows from `start` in inference mode; the loss goes
 * into `lossSum` (read once, at the end).
 */
export function evaluateBatch(model: Model, compiled: Compiled, x: Tensor, y: Tensor, start: number, count: number, lossSum: DeviceLossSum): void {
  noGrad(() => tidy(() => withPrevalidatedLabels(() => {
    const xb = slice(x, start, count);
    const yb = slice(y, start, count);
    const { total, output, mask } = batchLoss(model, compiled, xb, yb, null, false);
    if (compiled.metrics.length > 0) {
      const pred = metricInput(compiled, output);
      for (const m of compiled.metrics) m.update(yb, pred, mask);
    }
    lossSum.add(total, count);
  })));
}

/** @internal The results of an evaluation: the mean loss and each metric's result. */
export interface EvaluationResult {
  loss: number;
  metrics: Record<string, number>;
}

/** @internal The metric results of `compiled` now. */
export function metricResults(compiled: Compiled): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const m of compiled.metrics) metrics[m.name] = m.result();
  return metrics;
}

/** @internal `evaluate`'s return value: the loss, or [loss, ...metrics] in compile order; `{ loss, ...metrics }` with returnDict. */
export function evaluationValue(compiled: Compiled, r: EvaluationResult, returnDict = false): EvaluateResult {
  if (returnDict) return { loss: r.loss, ...r.metrics };
  return compiled.metrics.length === 0 ? r.loss : [r.loss, ...compiled.metrics.map((m) => r.metrics[m.name])];
}

/**
 * @internal Loss and metric results over (x, y) in inference mode. The loss is averaged over samples
 * (batch losses weighted by batch size) and includes the regularization penalties, as Keras.
 */
export function evaluateCompiled(model: Model, compiled: Compiled, x: Tensor, y: Tensor, batchSize: number): EvaluationResult {
  for (const m of compiled.metrics) m.reset();
  const n = x.shape[0];
  // Batch losses are summed on the backend and read once (x and y were validated by prepareXY).
  const lossSum = new DeviceLossSum();
  try {
    for (let start = 0; start < n; start += batchSize) evaluateBatch(model, compiled, x, y, start, Math.min(batchSize, n - start), lossSum);
    return { loss: lossSum.mean(), metrics: metricResults(compiled) };
  } finally {
    lossSum.dispose();
  }
}

/** See `Sequential.evaluate`. */
export function evaluateModel(model: Model, x: InputData, y: InputData, options: EvaluateOptions = {}): EvaluateResult {
  if (options === null || typeof options !== 'object') throw new ValueError(`evaluate: options must be an object, got ${describe(options)}`);
  checkOptions('evaluate', options, EVALUATE_KEYS);
  const compiled = model.requireCompiled('evaluate');
  const batchSize = checkBatchSize(options.batchSize, 'evaluate');
  const returnDict = checkReturnDict(options.returnDict, 'evaluate');
  const data = prepareXY(model, compiled, x, y, 'evaluate');
  try {
    return evaluationValue(compiled, evaluateCompiled(model, compiled, data.x, data.y, batchSize), returnDict);
  } finally {
    data.dispose();
  }
}

/** See `Sequential.predict`. */
export function predictModel(model: Model, x: InputData, options: PredictOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') throw new ValueError(`predict: options must be an object, got ${describe(options)}`);
  checkOptions('predict', options, PREDICT_KEYS);
  const batchSize = checkBatchSize(options.batchSize, 'predict');
  const cx = toTensor(x, 'predict: x');
  try {
    model.ensureBuilt(cx.tensor, 'predict');
    const n = cx.tensor.shape[0];
    return noGrad(() => tidy(() => {
      if (n <= batchSize) return ownCopy(model.callPacked(cx.tensor, false), cx.tensor);
      const parts: Tensor[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        parts.push(tidy(() => { const xb = slice(cx.tensor, start, count); return ownCopy(model.callPacked(xb, false), xb); }));
      }
      return concat(parts, 0);
    }));
  } finally {
    if (cx.owned) cx.tensor.dispose();
  }
}

/** @internal The output, copied when a model of identity layers returned its input itself. */
export function ownCopy(out: Tensor, input: Tensor): Tensor {
  return out === input ? mulScalar(out, 1) : out;
}
