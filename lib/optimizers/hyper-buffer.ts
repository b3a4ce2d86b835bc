/**
 * An optimizer's learning rate and step count as backend values: a buffer of 2 floats [learningRate, stepsDone]
 * on the variables' backend. Every optimizer step kernel reads it (lr = hyper[0], step number t = hyper[1] + 1)
 * and advances it (hyper[1] = t), so a compiled or replayed training step runs unchanged from step to step and a
 * run of steps on the backend (lib/models/native-steps.ts) needs no argument of the optimizer call replaced.
 *
 * The optimizer writes the buffer only where it holds something else than the next step needs: the rate when a
 * schedule or a callback (learningRateScheduler, reduceLROnPlateau) changes it, the count when `iterations` was
 * set (setState, or by hand). Both are float32 on the backend, on every backend alike: the rate is rounded to
 * float32 (as Keras keeps it, in a float32 variable), the count is exact up to 2^24 steps (Adam's bias
 * corrections are 1 to float precision long before that).
 */
import type { Backend } from '../backend/backend';
import { keep } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';

/** The [learningRate, stepsDone] buffer of one optimizer (see the file's comment). */
export class HyperBuffer {
  private tensor: Tensor | null = null;
  /** The rate the buffer holds as far as this side knows; NaN: unknown (written before the next step). */
  private lr = NaN;
  /** The step count the buffer holds as far as this side knows; -1: unknown. */
  private steps = -1;

  /** The buffer's storage on `backend` (allocated on first use, or again when the variables moved). */
  storageOn(backend: Backend): unknown {
    if (this.tensor === null || this.tensor.backend !== backend) {
      this.dispose();
      this.tensor = keep(new Tensor(backend, backend.alloc(2, true), [2]));
    }
    return this.tensor.storage;
  }

  /** The buffer on `backend` holding the rate `lr` and the count `steps` (each written where it differs). */
  prepare(backend: Backend, lr: number, steps: number): unknown {
    const storage = this.storageOn(backend);
    if (this.steps !== steps) {
      backend.fill(storage, steps, 1, 1);
      this.steps = steps;
    }
    if (!Object.is(this.lr, lr)) {
      backend.fill(storage, lr, 0, 1);
      this.lr = lr;
    }
    return storage;
  }

  /** Notes that `n` steps ran on the buffer (each advanced the count by one). */
  advanced(n: number): void {
    if (this.steps >= 0) this.steps += n;
  }

  /**
   * Notes that the buffer's rate changed behind this side's back (a run of backend steps writes each step's rate
   * from a schedule), or that a step failed midway (then the count is unknown too).
   */
  forget(count = false): void {
    this.lr = NaN;
    if (count) this.steps = -1;
  }

  /** Releases the buffer. */
  dispose(): void {
    this.tensor?.dispose();
    this.tensor = null;
    this.forget(true);
  }
}
