/** Callbacks that change the optimizer's learning rate: learningRateScheduler and reduceLROnPlateau. */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { Callback, monitored, resolveMode, type Logs } from './callback';
import type { Optimizer } from '../optimizers/optimizer';

function optimizerOf(cb: Callback, owner: string): Optimizer {
  const opt = cb.model?.optimizer;
  if (!opt) throw new ValueError(`${owner}: the model has no optimizer; compile it before fit`);
  return opt;
}

/**
 * Sets the learning rate at the start of each epoch to `schedule(epoch, currentLr)` (epoch 0-based) and
 * records it as 'learning_rate' in the epoch logs (Keras 3's name).
 */
export class LearningRateScheduler extends Callback {
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    super();
    if (typeof schedule !== 'function') throw new ValueError(`learningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${describe(schedule)}`);
  }

  override onEpochBegin(epoch: number): void {
    const opt = optimizerOf(this, 'learningRateScheduler');
    const lr = this.schedule(epoch, opt.getLearningRate());
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new ValueError(`learningRateScheduler: the schedule returned ${describe(lr)} at epoch ${epoch}; expected a finite number >= 0`);
    opt.setLearningRate(lr);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = optimizerOf(this, 'learningRateScheduler').getLearningRate();
  }
}

/** A `LearningRateScheduler`: `learningRateScheduler((epoch, lr) => epoch < 10 ? lr : lr * 0.9)`. */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): LearningRateScheduler {
  return new LearningRateScheduler(schedule);
}

/** Options of `reduceLROnPlateau()`. */
export interface ReduceLROnPlateauOptions {
  /** Log key to watch. Default 'val_loss'. */
  monitor?: string;
  /** New lr = lr * factor, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 'min', 'max' or 'auto'. Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** Threshold of a significant improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  minLr?: number;
}

const REDUCE_LR_KEYS = optionKeys<ReduceLROnPlateauOptions>({
  monitor: true, factor: true, patience: true, mode: true, minDelta: true, cooldown: true, minLr: true,
});

/**
 * Multiplies the learning rate by `factor` (not below `minLr`) once the monitored value has not improved
 * (current < best - minDelta in mode min, current > best + minDelta in mode max) for `patience` epochs,
 * then waits `cooldown` epochs. Records 'learning_rate' in the epoch logs (Keras 3's name). Keras semantics.
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly mode: 'min' | 'max';
  private wait = 0;
  private cooldownCounter = 0;
  private best = Infinity;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    const o = options ?? {};
    checkOptions('reduceLROnPlateau', o, REDUCE_LR_KEYS);
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (typeof this.factor !== 'number' || !(this.factor > 0 && this.factor < 1)) throw new ValueError(`reduceLROnPlateau: factor must be a number in (0, 1), got ${describe(o.factor)}`);
    this.patience = o.patience ?? 10;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`reduceLROnPlateau: patience must be an integer >= 0, got ${describe(o.patience)}`);
    this.minDelta = o.minDelta ?? 1e-4;
    if (typeof this.minDelta !== 'number' || !Number.isFinite(this.minDelta) || this.minDelta < 0) throw new ValueError(`reduceLROnPlateau: minDelta must be a finite number >= 0, got ${describe(o.minDelta)}`);
    this.cooldown = o.cooldown ?? 0;
    if (!Number.isInteger(this.cooldown) || this.cooldown < 0) throw new ValueError(`reduceLROnPlateau: cooldown must be an integer >= 0, got ${describe(o.cooldown)}`);
    this.minLr = o.minLr ?? 0;
    if (typeof this.minLr !== 'number' || !Number.isFinite(this.minLr) || this.minLr < 0) throw new ValueError(`reduceLROnPlateau: minLr must be a finite number >= 0, got ${describe(o.minLr)}`);
    this.mode = resolveMode(o.mode ?? 'auto', this.monitor, 'reduceLROnPlateau');
  }

  private improves(current: number): boolean {
    return this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const opt = optimizerOf(this, 'reduceLROnPlateau');
    logs.learning_rate = opt.getLearningRate();
    const current = monitored(logs, this.monitor);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const old = opt.getLearningRate();
        if (old > Math.fround(this.minLr)) {
          opt.setLearningRate(Math.max(old * this.factor, this.minLr));
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/** A `ReduceLROnPlateau`: `reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 3 })`. */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}
