/** The callback contract of `fit` and the list that calls callbacks in order. */
import { ValueError, describe } from '../errors';
import type { Optimizer } from '../optimizers/optimizer';
import type { Tensor } from '../tensor/tensor';

/** Values passed to callbacks: 'loss', metric names, 'val_*', 'learning_rate', and for batches 'batch' and 'size'. */
export type Logs = Record<string, number>;

/** What callbacks may use of the model being trained. */
export interface TrainingModel {
  stopTraining: boolean;
  readonly optimizer: Optimizer | null;
  getWeights(): Tensor[];
  setWeights(ws: Tensor[]): void;
  save?: (path: string) => unknown;
  /** The model's weights with their names (read by tensorBoard's histograms). */
  readonly weights?: readonly { name: string; dataSync(): Float32Array }[];
}

/** The hooks a callback may implement; each may return a promise, which `fit` awaits. */
export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/**
 * Base class of the built-in callbacks. `model` is set by `fit` before `onTrainBegin`. Epochs are
 * 0-based (as Keras); `logs` of `onEpochEnd` hold that epoch's loss, metrics and val_* values.
 */
export abstract class Callback implements CallbackHooks {
  /** The model being trained (set by fit). */
  model: TrainingModel | null = null;

  /** @internal */
  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** Calls each hook on every callback, in the order given, awaiting promises. */
export class CallbackList {
  readonly callbacks: CallbackHooks[];

  constructor(callbacks: unknown, model: TrainingModel) {
    const list = callbacks === undefined || callbacks === null ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
    list.forEach((cb, i) => {
      if (cb === null || typeof cb !== 'object') throw new ValueError(`fit: callbacks[${i}] must be a Callback or an object with onEpochEnd / onBatchEnd / ... methods, got ${describe(cb)}`);
      for (const h of HOOKS) {
        const f = (cb as Record<string, unknown>)[h];
        if (f !== undefined && typeof f !== 'function') throw new ValueError(`fit: callbacks[${i}].${h} must be a function, got ${describe(f)}`);
      }
      if (cb instanceof Callback) cb.setModel(model);
    });
    this.callbacks = list as CallbackHooks[];
  }

  /** Whether any callback implements a batch hook (the loop skips building batch logs otherwise). */
  get wantsBatches(): boolean {
    return this.callbacks.some((c) => (c instanceof Callback ? c.onBatchEnd !== Callback.prototype.onBatchEnd || c.onBatchBegin !== Callback.prototype.onBatchBegin : typeof c.onBatchEnd === 'function' || typeof c.onBatchBegin === 'function'));
  }

  /*
   * Each hook runs every callback's method in order, waiting for the promises they return. Without a callback
   * that has the method the result is undefined, so that `fit` skips the await (one event-loop microtask per
   * hook and epoch otherwise).
   */
  trainBegin(logs: Logs): Promise<void> | undefined { return this.each('onTrainBegin', (c) => c.onTrainBegin?.(logs)); }
  trainEnd(logs: Logs): Promise<void> | undefined { return this.each('onTrainEnd', (c) => c.onTrainEnd?.(logs)); }
  epochBegin(epoch: number, logs: Logs): Promise<void> | undefined { return this.each('onEpochBegin', (c) => c.onEpochBegin?.(epoch, logs)); }
  epochEnd(epoch: number, logs: Logs): Promise<void> | undefined { return this.each('onEpochEnd', (c) => c.onEpochEnd?.(epoch, logs)); }
  batchBegin(batch: number, logs: Logs): Promise<void> | undefined { return this.each('onBatchBegin', (c) => c.onBatchBegin?.(batch, logs)); }
  batchEnd(batch: number, logs: Logs): Promise<void> | undefined { return this.each('onBatchEnd', (c) => c.onBatchEnd?.(batch, logs)); }

  private each(hook: (typeof HOOKS)[number], call: (c: CallbackHooks) => void | Promise<void>): Promise<void> | undefined {
    if (!this.callbacks.some((c) => typeof c[hook] === 'function')) return undefined;
    return (async () => { for (const c of this.callbacks) await call(c); })();
  }
}

/** Reads `monitor` from logs (undefined when absent). */
export function monitored(logs: Logs, monitor: string): number | undefined {
  const v = logs[monitor];
  return typeof v === 'number' ? v : undefined;
}

/** 'min' or 'max' for mode 'auto' as Keras: max for names containing 'acc' / 'auc' / 'precision' / 'recall'. */
export function resolveMode(mode: string, monitor: string, owner: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new ValueError(`${owner}: mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
  return /acc|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}
