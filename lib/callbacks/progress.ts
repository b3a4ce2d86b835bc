/** Progress output of `fit`: a live bar on a terminal, one line per epoch otherwise. */
import { checkOptions, optionKeys } from '../options/strict';
import { Callback, type Logs } from './callback';

/** Where progress is written: `process.stdout` by default. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of the progress logger. */
export interface ProgressOptions {
  /** 0 silent; 1 a bar redrawn during the epoch on a TTY (one line per epoch otherwise); 2 one line per epoch. */
  verbose: number;
  epochs: number;
  /** Batches per epoch; 0 when unknown (a Dataset read to its end): the count so far is shown instead of a bar. */
  stepsPerEpoch: number;
  stream?: ProgressStream;
  /** Minimum milliseconds between two redraws of the bar. Default 100. */
  refreshMs?: number;
}

const PROGRESS_KEYS = optionKeys<ProgressOptions>({ verbose: true, epochs: true, stepsPerEpoch: true, stream: true, refreshMs: true });

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'batch' && k !== 'size')
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`)
    .join(' - ');
}

function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  return s >= 1 ? `${s.toFixed(0)}s` : `${(s * 1000).toFixed(0)}ms`;
}

/**
 * Writes training progress. With verbose 1 on a TTY: `Epoch 3/10` then a bar
 * `12/40 [=======>......................] - ETA: 3s - loss: 0.2513 - accuracy: 0.9100` redrawn in place;
 * at the end of the epoch (and for verbose 2, or verbose 1 without a TTY) one line
 * `Epoch 3/10 - 40/40 - 1s - loss: ... - val_loss: ...`.
 */
export class ProgressLogger extends Callback {
  private readonly opts: Required<Omit<ProgressOptions, 'stream'>> & { stream: ProgressStream };
  private epochStart = 0;
  private lastDraw = 0;
  private readonly live: boolean;

  constructor(options: ProgressOptions) {
    super();
    checkOptions('ProgressLogger', options, PROGRESS_KEYS);
    const stream = options.stream ?? process.stdout;
    this.opts = { refreshMs: 100, ...options, stream };
    this.live = options.verbose === 1 && stream.isTTY === true;
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = Date.now();
    this.lastDraw = 0;
    if (this.live) this.opts.stream.write(`Epoch ${epoch + 1}/${this.opts.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    if (!this.live) return;
    const now = Date.now();
    const done = batch + 1;
    const steps = this.opts.stepsPerEpoch;
    if ((done < steps || steps === 0) && now - this.lastDraw < this.opts.refreshMs) return;
    if (steps === 0) {  // unknown (a Dataset read to its end): the count so far
      this.lastDraw = now;
      this.opts.stream.write(`\r${done} batches - ${formatLogs(logs)}\x1b[K`);
      return;
    }
    this.lastDraw = now;
    const width = 30;
    const filled = Math.min(width, Math.floor((done / steps) * width));
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done < steps ? '>' : '=') : '') + '.'.repeat(width - filled);
    const elapsed = (now - this.epochStart) / 1000;
    const eta = (elapsed / done) * (steps - done);
    const pad = String(steps).length;
    this.opts.stream.write(`\r${String(done).padStart(pad)}/${steps} [${bar}] - ETA: ${formatSeconds(eta)} - ${formatLogs(logs)}\x1b[K`);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.opts.verbose === 0) return;
    const elapsed = (Date.now() - this.epochStart) / 1000;
    const steps = this.opts.stepsPerEpoch;
    const line = `Epoch ${epoch + 1}/${this.opts.epochs} - ${steps > 0 ? `${steps}/${steps} - ` : ''}${formatSeconds(elapsed)} - ${formatLogs(logs)}`;
    this.opts.stream.write(this.live ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
