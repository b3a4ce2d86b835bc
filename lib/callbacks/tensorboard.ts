/**
 * TensorBoard: event files that TensorBoard reads, laid out as Keras writes them: `<logDir>/train` and
 * `<logDir>/validation`, one `events.out.tfevents.<seconds>.<host>` file each per fit (lib/io/tensorboard).
 */
import { ValueError, describe } from '../errors';
import { checkOptions, optionKeys } from '../options/strict';
import { EventFileWriter } from '../io/tensorboard/event-writer';
import { histogramOf, type SummaryValue } from '../io/tensorboard/events';
import * as path from 'path';
import { Callback, type Logs } from './callback';

/** Options of `tensorBoard()`. */
export interface TensorBoardOptions {
  /**
   * 'epoch' (default): scalars after each epoch (`epoch_<log key>`, step = epoch); 'batch': also after every batch
   * (`batch_<log key>`, step = batches seen since fit began); n: after every n-th batch.
   */
  updateFreq?: 'epoch' | 'batch' | number;
  /** Every this many epochs (from epoch 0), a histogram of each weight (tag: its name). Default 0: none. */
  histogramFreq?: number;
}

const TENSORBOARD_KEYS = optionKeys<TensorBoardOptions>({ updateFreq: true, histogramFreq: true });

/**
 * Writes the fit's logs as TensorBoard scalars: training values to `train/` and `val_*` values (without the
 * prefix) to `validation/`, and weight histograms to `train/` when `histogramFreq` > 0. Batch scalars slow `fit`
 * down (every batch then goes through JavaScript), as any batch callback does.
 */
export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly updateFreq: 'epoch' | number;
  readonly histogramFreq: number;
  private train: EventFileWriter | null = null;
  private validation: EventFileWriter | null = null;
  private batches = 0;

  constructor(logDir: string, options: TensorBoardOptions = {}) {
    super();
    if (typeof logDir !== 'string' || logDir.length === 0) throw new ValueError(`tensorBoard: logDir must be a non-empty string, got ${describe(logDir)}`);
    if (options === null || typeof options !== 'object') throw new ValueError(`tensorBoard: options must be an object, got ${describe(options)}`);
    checkOptions('tensorBoard', options, TENSORBOARD_KEYS);
    const freq = options.updateFreq ?? 'epoch';
    if (freq !== 'epoch' && freq !== 'batch' && !(Number.isInteger(freq) && (freq as number) >= 1)) {
      throw new ValueError(`tensorBoard: updateFreq must be 'epoch', 'batch' or a positive integer, got ${describe(options.updateFreq)}`);
    }
    const hist = options.histogramFreq ?? 0;
    if (!Number.isInteger(hist) || hist < 0) throw new ValueError(`tensorBoard: histogramFreq must be a non-negative integer, got ${describe(options.histogramFreq)}`);
    this.logDir = logDir;
    this.updateFreq = freq === 'batch' ? 1 : freq;
    this.histogramFreq = hist;
    // Only a batch-level logger has a batch hook, so that an epoch-level one keeps fit on its fast paths.
    if (this.updateFreq !== 'epoch') this.onBatchEnd = (_batch: number, logs: Logs) => this.batchEnd(logs);
  }

  override onTrainBegin(): void {
    this.close();
    this.batches = 0;
    this.train = new EventFileWriter(path.join(this.logDir, 'train'));
  }

  private batchEnd(logs: Logs): void {
    this.batches++;
    if (typeof this.updateFreq === 'number' && this.batches % this.updateFreq === 0) {
      const values = Object.entries(logs).filter(([k, v]) => k !== 'batch' && k !== 'size' && typeof v === 'number');
      this.train?.write({ wallTime: Date.now() / 1000, step: this.batches, summary: values.map(([k, v]) => ({ tag: `batch_${k}`, simpleValue: v })) });
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const now = Date.now() / 1000;
    const entries = Object.entries(logs).filter(([, v]) => typeof v === 'number');
    const train: SummaryValue[] = entries.filter(([k]) => !k.startsWith('val_')).map(([k, v]) => ({ tag: `epoch_${k}`, simpleValue: v }));
    const val: SummaryValue[] = entries.filter(([k]) => k.startsWith('val_')).map(([k, v]) => ({ tag: `epoch_${k.slice(4)}`, simpleValue: v }));
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) {
      for (const w of this.model?.weights ?? []) train.push({ tag: w.name.replace(/:/g, '_'), histo: histogramOf(w.dataSync()) });
    }
    if (train.length > 0) this.train?.write({ wallTime: now, step: epoch, summary: train });
    if (val.length > 0) {
      this.validation ??= new EventFileWriter(path.join(this.logDir, 'validation'));
      this.validation.write({ wallTime: now, step: epoch, summary: val });
    }
  }

  override onTrainEnd(): void {
    this.close();
  }

  private close(): void {
    this.train?.close();
    this.validation?.close();
    this.train = null;
    this.validation = null;
  }
}

/** A `TensorBoard` callback: `tensorBoard('logs/run1', { updateFreq: 'batch', histogramFreq: 1 })`. */
export function tensorBoard(logDir: string, options: TensorBoardOptions = {}): TensorBoard {
  return new TensorBoard(logDir, options);
}
