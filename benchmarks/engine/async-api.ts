/**
 * The off-thread API of issue 14, called where the model has it: `fit(x, y, { signal })`,
 * `predictAsync(x, { batchSize, signal })` and `evaluateAsync(x, y, { batchSize, signal })`. Where a build lacks
 * the async inference forms, the synchronous `predict` / `evaluate` run instead and the phase says so
 * (`api: 'sync'`), so that the report can mark the target "not available" and still show the blocking figures.
 */
import type { Tensor } from '../../lib/index';
import type { FitOptions } from '../../lib/models/fit';
import type { History } from '../../lib/models/history';
import type { Sequential } from '../../lib/models/sequential';

interface SignalOption { batchSize?: number; signal?: AbortSignal }

/** The async inference forms a model may have (issue 14). */
interface AsyncInference {
  predictAsync?: (x: Tensor, options?: SignalOption) => Promise<Tensor>;
  evaluateAsync?: (x: Tensor, y: Tensor, options?: SignalOption) => Promise<number | number[]>;
}

/** Which of the async inference forms `model` has. */
export function asyncInferenceOf(model: Sequential): { predictAsync: boolean; evaluateAsync: boolean } {
  const m = model as unknown as AsyncInference;
  return { predictAsync: typeof m.predictAsync === 'function', evaluateAsync: typeof m.evaluateAsync === 'function' };
}

/** `fit` with an AbortSignal that never fires (so the cancellation path is part of what is timed). */
export function fitWithSignal(model: Sequential, x: Tensor, y: Tensor, options: FitOptions, signal: AbortSignal): Promise<History> {
  return model.fit(x, y, { ...options, signal } as FitOptions);
}

/** `predictAsync` where the model has it, else `predict`; the output is disposed. */
export async function predictEither(model: Sequential, x: Tensor, batchSize: number, signal: AbortSignal): Promise<'async' | 'sync'> {
  const m = model as unknown as AsyncInference;
  const async = typeof m.predictAsync === 'function';
  const out = async ? await m.predictAsync!.call(model, x, { batchSize, signal }) : model.predict(x, { batchSize });
  out.dispose();
  return async ? 'async' : 'sync';
}

/** `evaluateAsync` where the model has it, else `evaluate`. */
export async function evaluateEither(model: Sequential, x: Tensor, y: Tensor, batchSize: number, signal: AbortSignal): Promise<'async' | 'sync'> {
  const m = model as unknown as AsyncInference;
  const async = typeof m.evaluateAsync === 'function';
  if (async) await m.evaluateAsync!.call(model, x, y, { batchSize, signal });
  else model.evaluate(x, y, { batchSize });
  return async ? 'async' : 'sync';
}
