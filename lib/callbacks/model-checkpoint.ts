/** ModelCheckpoint: save the model after epochs (optionally only when the monitored value improves). */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { Callback, monitored, resolveMode, type Logs } from './callback';

/** Options of `modelCheckpoint()`. */
export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` (1-based, `{epoch:03d}` zero-padded) and `{<log key>}` are replaced. Required. */
  filepath: string;
  /** Log key compared when `saveBestOnly`. Default 'val_loss'. */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** 'min', 'max' or 'auto'. Default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
}

/** Replaces `{epoch}`, `{epoch:0Nd}` and `{key}` / `{key:.Nf}` placeholders. */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, fmt: string | undefined) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (typeof value !== 'number') return whole;
    const pad = fmt?.match(/^0(\d+)d$/);
    if (pad) return String(Math.round(value)).padStart(Number(pad[1]), '0');
    const fixed = fmt?.match(/^\.(\d+)f$/);
    if (fixed) return value.toFixed(Number(fixed[1]));
    return String(value);
  });
}

const MODEL_CHECKPOINT_KEYS = optionKeys<ModelCheckpointOptions>({ filepath: true, monitor: true, saveBestOnly: true, mode: true });

/**
 * After each epoch calls `await model.save(path)` (provided by lib/io) with the formatted filepath; with
 * `saveBestOnly`, only when the monitored value improved.
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  private readonly mode: 'min' | 'max';
  private best = Infinity;
  /** Paths saved so far, in order. */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    super();
    if (options === null || typeof options !== 'object' || typeof options.filepath !== 'string' || options.filepath.length === 0) {
      throw new ValueError(`modelCheckpoint: options.filepath must be a non-empty string, got ${describe(options?.filepath)}`);
    }
    checkOptions('modelCheckpoint', options, MODEL_CHECKPOINT_KEYS);
    this.filepath = options.filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor, 'modelCheckpoint');
  }

  override onTrainBegin(): void {
    if (!this.model || typeof this.model.save !== 'function') {
      throw new ValueError('modelCheckpoint: model.save is not available; import the io module (my.loadModel / Sequential.prototype.save) so models can be saved');
    }
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = this.model;
    if (!model || typeof model.save !== 'function') return;
    if (this.saveBestOnly) {
      const current = monitored(logs, this.monitor);
      if (current === undefined) return;
      const better = this.mode === 'min' ? current < this.best : current > this.best;
      if (!better) return;
      this.best = current;
    }
    const path = formatPath(this.filepath, epoch, logs);
    await model.save(path);
    this.saved.push(path);
  }
}

/** A `ModelCheckpoint`: `modelCheckpoint({ filepath: 'ckpt/epoch-{epoch:03d}', saveBestOnly: true })`. */
export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  return new ModelCheckpoint(options);
}
