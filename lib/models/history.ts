/** The record of a `fit` run. */
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

  /** @internal Appends an epoch's logs. */
  record(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      if (!this.history[k]) this.history[k] = [];
      this.history[k].push(v);
    }
  }
}
