/** The record of a `fit` run. */
import { historyToSvg, plotHistory, type HistoryPlotOptions } from '../plot/history-plot';
import type { ReplayRefusal } from '../engine/replay-refusals';

/** `History.params`. */
export interface FitParams {
  epochs: number;
  steps: number;
  samples: number;
  strategy?: string;
  strategyReason?: string;
  offThread?: boolean;
  /** Why steps were not replayed as captured, in order (lib/engine/replay-refusals.ts); empty when none was refused. */
  replayRefusals?: ReplayRefusal[];
}

/**
 * What `fit` returns: `history[key][i]` is the value of `key` ('loss', 'accuracy', 'val_loss',
 * 'val_accuracy', 'learning_rate', ...) at the end of epoch `epoch[i]` (0-based, offset by `initialEpoch`).
 */
export class History {
  /** Per-key lists of epoch values. */
  readonly history: Record<string, number[]> = {};
  /** The epoch indices recorded. */
  readonly epoch: number[] = [];
  /**
   * The fit parameters: epochs, steps per epoch, samples, and how the steps ran: `strategy` ('native-epochs',
   * 'native-steps', 'compiled-replay', 'replay' or 'tape', see lib/engine/strategy.ts), `strategyReason`, and
   * `offThread` (true when the training jobs ran on a native worker thread), and `replayRefusals`: each batch shape
   * whose captured step could not be replayed as such (`kind` 'replay', 'compile', 'capture' or 'shape') and why.
   */
  params: FitParams = { epochs: 0, steps: 0, samples: 0 };

  /** The epochs each key was recorded at (a `val_` key only at the epochs validation ran, see validationFreq). */
  private readonly epochsOf: Record<string, number[]> = {};

  /** @internal Appends an epoch's logs. */
  record(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      if (!this.history[k]) { this.history[k] = []; this.epochsOf[k] = []; }
      this.history[k].push(v);
      this.epochsOf[k].push(epoch);
    }
  }

  /**
   * Writes an SVG picture of the curves to `path`: one panel per metric (default: each recorded one; `metrics:
   * ['loss']` picks), the training values solid and the validation values (`val_<metric>`) dashed, against the
   * epoch. Self-contained (opens in a browser, embeds in a page). Sizes: `width` (640), `panelHeight` (260).
   * @throws ValueError for an empty history or a metric never recorded; IOError when the file cannot be written.
   */
  plot(path: string, options: HistoryPlotOptions = {}): void {
    plotHistory(this.curves(), path, options);
  }

  /** The SVG text that {@link plot} writes. */
  toSvg(options: HistoryPlotOptions = {}): string {
    return historyToSvg(this.curves(), options);
  }

  private curves() {
    return {
      keys: () => Object.keys(this.history),
      curve: (key: string) => {
        const values = this.history[key];
        if (!values) return null;
        const at = this.epochsOf[key];
        // values appended by hand (without record) are taken as the last epochs, or as epochs 0, 1, ...
        const epochs = at && at.length === values.length ? at
          : this.epoch.length >= values.length ? this.epoch.slice(this.epoch.length - values.length) : values.map((_, i) => i);
        return { epochs, values };
      },
    };
  }
}
