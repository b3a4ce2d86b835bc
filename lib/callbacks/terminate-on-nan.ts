/** TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite. */
import { Callback, type Logs } from './callback';

/** Sets `model.stopTraining` at the first batch whose running loss is NaN or +-Infinity. */
export class TerminateOnNaN extends Callback {
  /** The batch (within its epoch) where the loss was found non-finite, or null. */
  terminatedAtBatch: number | null = null;

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (typeof loss === 'number' && !Number.isFinite(loss) && this.model) {
      this.terminatedAtBatch = batch;
      this.model.stopTraining = true;
    }
  }
}

/** A `TerminateOnNaN` callback. */
export function terminateOnNaN(): TerminateOnNaN {
  return new TerminateOnNaN();
}
