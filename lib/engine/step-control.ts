/**
 * The control word of a job that runs off the JavaScript thread (lib/native: trainStepsAsync and the other async
 * entries). Native code reads word[0] between two steps and stops once it is non-zero; this class sets it when
 * the call's AbortSignal fires or when `fit` is asked to stop (`model.stopTraining = true`), so that either takes
 * effect within one step even while a long native job runs.
 */
import type { AbortSignalLike } from './abort';

export class StepControl {
  /** Shared with the native job: [stop requested (0 or 1)]. */
  readonly word = new Int32Array(1);
  private readonly onAbort = (): void => this.requestStop();

  constructor(private readonly signal?: AbortSignalLike) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Asks a running job to stop after its current step. */
  requestStop(): void {
    Atomics.store(this.word, 0, 1);
  }

  /** Lets the next job run in full again (after a stop that was handled). */
  clear(): void {
    Atomics.store(this.word, 0, 0);
  }

  /** True when the call's signal has fired. */
  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Detaches from the signal. */
  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
