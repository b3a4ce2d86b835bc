/** The call counter of a layer that draws random values on the backend (dropout, spatial dropout, Gaussian noise). */
import type { Backend } from '../backend/backend';
import { DROPOUT_STATE_SIZE } from '../backend/philox';
import { keep } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';

/**
 * A Philox4x32-10 call counter held on the backend in DROPOUT_STATE_SIZE floats (lib/backend/philox.ts), which every
 * kernel call that draws from it advances there: a recorded or compiled step then draws afresh at each replay.
 */
export class BackendCounter {
  private state: Tensor | null = null;

  /**
   * The state buffer on `backend`, made there now if it is not (a counter on another backend moves along, read
   * back once). Call it outside a training step first (when the layer is built), so a recorded step never makes it.
   */
  on(backend: Backend): Tensor {
    const current = this.state !== null && !this.state.isDisposed ? this.state : null;
    if (current !== null && current.backend === backend) return current;
    const values = current !== null ? current.dataSync() : new Float32Array(DROPOUT_STATE_SIZE);
    current?.dispose();
    this.state = keep(new Tensor(backend, backend.upload(values), [DROPOUT_STATE_SIZE]));
    return this.state;
  }

  /** Releases the state buffer. */
  dispose(): void {
    this.state?.dispose();
    this.state = null;
  }
}
