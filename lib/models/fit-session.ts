/** What every kind of `fit` (arrays, datasets) does around its loop: options, abort signal, stop checks, cleanup. */
import { averageLogs } from '../distributed/fit-sync';
import { DisposedError, ValueError, describe } from '../errors';
import { abortError, checkSignal, throwIfAborted, type AbortSignalLike } from '../engine/abort';
import { StepControl } from '../engine/step-control';
import type { CallbackList, Logs } from '../callbacks/callback';
import { warnIfLossNotFinite } from '../callbacks/nan-warning';
import type { EvaluationResult } from './evaluate';
import type { History } from './history';
import type { Model } from './model';

/** One running fit: its abort signal and step control, and the cleanups run when it ends. */
export interface FitSession {
  signal: AbortSignalLike | undefined;
  control: StepControl;
  /** Run in reverse order by `end`. */
  cleanups: (() => void)[];
  /** Called after every await: an abort or a dispose of the model ends the fit here. */
  checkStop(): void;
  /** Runs the cleanups and marks the model as no longer training. */
  end(): void;
}

/**
 * Validates that `options` is an object, rejects an already aborted signal, and marks `model` as training (a
 * ModelStateError when it already is). The caller runs its loop in try / finally `session.end()`.
 */
export function beginFit(model: Model, options: unknown): FitSession {
  if (options === null || typeof options !== 'object') throw new ValueError(`fit: options must be an object, got ${describe(options)}`);
  const signal = checkSignal((options as { signal?: unknown }).signal, 'fit');
  throwIfAborted(signal, 'fit');
  model.beginTraining();
  const control = new StepControl(signal);
  model.attachStepControl(control);
  const cleanups: (() => void)[] = [() => { model.attachStepControl(null); control.dispose(); }];
  return {
    signal, control, cleanups,
    checkStop: () => {
      if (model.disposeRequested) throw new DisposedError('fit: the model was disposed while fit() ran; it is freed now');
      if (control.aborted) throw abortError('fit', signal as AbortSignalLike);
    },
    end: () => {
      for (const c of cleanups.reverse()) c();
      model.endTraining();
    },
  };
}

/** An integer option of fit >= `min` (default `dflt`). */
export function intOption(v: unknown, name: string, min: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(`fit: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

/** The verbose option of fit: 0, 1 or 2 (default 1). */
export function verboseOption(v: unknown): 0 | 1 | 2 {
  const verbose = v ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  return verbose;
}

/** The end of an epoch: the validation results as `val_*` logs, onEpochEnd, then the epoch's record in `history`. */
export async function closeEpoch(callbacks: CallbackList, history: History, epoch: number, logs: Logs, val: EvaluationResult | null): Promise<void> {
  if (val) {
    logs.val_loss = val.loss;
    for (const [k, v] of Object.entries(val.metrics)) logs[`val_${k}`] = v;
  }
  averageLogs(logs);  // over the ranks of a distributed world, so that callbacks decide alike everywhere
  const epochEnded = callbacks.epochEnd(epoch, logs);
  if (epochEnded) await epochEnded;
  history.record(epoch, logs);
}

/** After the last epoch: the warning of a non-finite loss (lib/callbacks/nan-warning.ts), then onTrainEnd. */
export async function closeFit(session: FitSession, callbacks: CallbackList, history: History, extra: readonly unknown[]): Promise<History> {
  session.checkStop();
  warnIfLossNotFinite(history, extra);
  const ended = callbacks.trainEnd({});
  if (ended) await ended;
  return history;
}
