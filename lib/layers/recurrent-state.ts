/**
 * The states a stateful recurrent layer carries from one batch to the next (Keras `stateful=True`): the final
 * states of a call become the initial states of the next one, for the sample at the same index. They live in
 * buffers allocated once ([batch, units] each) that every call reads and then overwrites with backend copies, so a
 * recorded training step replays with them; no gradient flows from one batch into the previous one.
 */
import { noGrad } from '../autograd/tape';
import { ShapeError } from '../errors';
import { empty } from '../ops/creation';
import { keep } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';

/** The carried states of one layer: `count` tensors [batchSize, units], zeros until the first call. */
export class CarriedStates {
  private states: Tensor[] | null = null;

  constructor(private readonly owner: string, private readonly count: number, private readonly batchSize: number,
    private readonly units: number) {}

  /** The initial states of a call on a batch of `batch` samples (which must be the layer's batch size). */
  initial(batch: number): Tensor[] {
    if (batch !== this.batchSize) {
      throw new ShapeError(`${this.owner}: a stateful layer takes batches of exactly ${this.batchSize} samples (its batchSize), ` +
        `got ${batch}; give every batch that size (fit / predict batchSize ${this.batchSize}, and a sample count it divides)`);
    }
    // zero-filled allocations, not fill kernels: a recorded step must not reset the states when it replays
    if (this.states === null) this.states = Array.from({ length: this.count }, () => keep(empty([this.batchSize, this.units], true)));
    return this.states;
  }

  /** Copies the final states of the call into the carried buffers (as values: no gradient path). */
  store(finals: Tensor[]): void {
    const states = this.states as Tensor[];
    noGrad(() => finals.forEach((f, i) => {
      f.backend.copyStrided(f.storage, 0, [1], states[i].storage, 0, [1], [f.size], false);
    }));
  }

  /** Sets every carried state to 0 (Keras `reset_states`). */
  reset(): void {
    for (const s of this.states ?? []) s.backend.fill(s.storage, 0);
  }

  dispose(): void {
    for (const s of this.states ?? []) s.dispose();
    this.states = null;
  }
}
