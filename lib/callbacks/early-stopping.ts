/** EarlyStopping: stop when a monitored value stops improving (Keras semantics). */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import type { Tensor } from '../tensor/tensor';
import { Callback, monitored, resolveMode, type Logs } from './callback';

/** Options of `earlyStopping()`. */
export interface EarlyStoppingOptions {
  /** Log key to watch. Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 'min', 'max' or 'auto' (max for accuracy-like names). Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
  /** Stop unless the value beats this baseline. Default none. */
  baseline?: number;
}

const EARLY_STOPPING_KEYS = optionKeys<EarlyStoppingOptions>({
  monitor: true, minDelta: true, patience: true, mode: true, restoreBestWeights: true, baseline: true,
});

/**
 * After each epoch: an improvement is current < best - |minDelta| (mode min) or current > best + |minDelta|
 * (mode max); after `patience` epochs in a row without one, `model.stopTraining` is set. With
 * `restoreBestWeights`, the best epoch's weights are restored when training ends (Keras 3).
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  private readonly mode: 'min' | 'max';
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped at (0 when it did not stop early). */
  stoppedEpoch = 0;
  /** The best epoch seen. */
  bestEpoch = 0;
  private best = Infinity;
  private bestWeights: Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    const o = options ?? {};
    checkOptions('earlyStopping', o, EARLY_STOPPING_KEYS);
    this.monitor = o.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string') throw new ValueError(`earlyStopping: monitor must be a string, got ${describe(o.monitor)}`);
    const minDelta = o.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !Number.isFinite(minDelta)) throw new ValueError(`earlyStopping: minDelta must be a finite number, got ${describe(minDelta)}`);
    this.minDelta = Math.abs(minDelta);
    this.patience = o.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`earlyStopping: patience must be an integer >= 0, got ${describe(o.patience)}`);
    this.mode = resolveMode(o.mode ?? 'auto', this.monitor, 'earlyStopping');
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.baseline = o.baseline;
  }

  private improves(current: number, reference: number): boolean {
    return this.mode === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.disposeBest();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = monitored(logs, this.monitor);
    if (current === undefined || !this.model) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.disposeBest();
        this.bestWeights = this.model.getWeights();
      }
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights && this.model) this.model.setWeights(this.bestWeights);
    this.disposeBest();
  }

  private disposeBest(): void {
    if (this.bestWeights) for (const w of this.bestWeights) w.dispose();
    this.bestWeights = null;
  }
}

/** An `EarlyStopping` callback: `earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })`. */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
