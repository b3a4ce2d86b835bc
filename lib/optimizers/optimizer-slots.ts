/**
 * An optimizer's slots (its per-variable state tensors: Adam's m and v, SGD's momentum, ...) and their save and
 * restore: slots are allocated lazily at a variable's first step (zeros, or the optimizer's initial value, on the
 * variable's backend) and indexed by the order in which variables were first updated; a restored state whose
 * variables have not been seen yet waits for them in that order.
 */
import { ShapeError, ValueError, describe } from '../errors';
import { tensor } from '../ops/creation';
import { keep } from '../tensor/scope';
import { shapesEqual } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';

/** One named tensor of an optimizer's state (see `Optimizer.getState`). */
export interface OptimizerStateEntry {
  name: string;
  tensor: Tensor;
}

/** The slots of one optimizer (see the file's comment). */
export class OptimizerSlots {
  /** Slots per variable, in order of first appearance. */
  private readonly slotsOf = new Map<Variable, Record<string, Tensor>>();
  private readonly order: Variable[] = [];
  /** State loaded by `restore` before the variables were seen: index -> slot name -> tensor. */
  private pending = new Map<number, Record<string, Tensor>>();

  /**
   * @param className the optimizer's class name, for messages
   * @param initialValue the initial value of every element of a slot (Adagrad: initialAccumulatorValue)
   */
  constructor(private readonly className: () => string, private readonly initialValue: (slot: string) => number) {}

  /** The slots `names` of `v` (allocated now where missing; a restored slot is taken in first-update order). */
  slotsFor(v: Variable, names: string[]): Record<string, Tensor> {
    let own = this.slotsOf.get(v);
    if (!own) {
      own = {};
      this.slotsOf.set(v, own);
      this.order.push(v);
      const loaded = this.pending.get(this.order.length - 1);
      if (loaded) {
        this.pending.delete(this.order.length - 1);
        for (const [n, t] of Object.entries(loaded)) {
          if (!shapesEqual(t.shape, v.shape)) {
            throw new ShapeError(`${this.className()}: loaded slot ${n} for parameter ${this.order.length - 1} has shape [${t.shape.join(', ')}] but variable ${v.name} has shape [${v.shape.join(', ')}]`);
          }
          own[n] = keep(new Tensor(v.backend, v.backend.upload(t.dataSync()), v.shape.slice()));
        }
      }
    }
    for (const n of names) {
      if (!own[n]) {
        const storage = v.backend.alloc(v.size);
        const init = this.initialValue(n);
        if (init !== 0) v.backend.fill(storage, init, 0, v.size);
        own[n] = keep(new Tensor(v.backend, storage, v.shape.slice()));
      }
    }
    return own;
  }

  /**
   * The state to save: 'iterations' (a scalar tensor) and one entry per slot named `<slot>/<index>`, index being
   * the order in which variables were first updated. The tensors are copies owned by the caller.
   */
  state(iterations: number): OptimizerStateEntry[] {
    const out: OptimizerStateEntry[] = [];
    const backend = this.order[0]?.backend;
    const it = new Float32Array([iterations]);
    out.push({ name: 'iterations', tensor: backend ? new Tensor(backend, backend.upload(it), []) : tensor(it, []) });
    this.order.forEach((v, i) => {
      const own = this.slotsOf.get(v)!;
      for (const [n, t] of Object.entries(own)) {
        out.push({ name: `${n}/${i}`, tensor: new Tensor(t.backend, t.backend.upload(t.dataSync()), t.shape.slice()) });
      }
    });
    // Slots restored by setState whose variable has not been stepped yet (a loaded model saved again).
    for (const [i, rec] of [...this.pending.entries()].sort((a, b) => a[0] - b[0])) {
      for (const [n, t] of Object.entries(rec)) {
        out.push({ name: `${n}/${i}`, tensor: new Tensor(t.backend, t.backend.upload(t.dataSync()), t.shape.slice()) });
      }
    }
    return out;
  }

  /**
   * Replaces every slot by those of `state` (from `state()` of an optimizer of the same kind, with slot names
   * `names`) and returns its iteration count. Everything is checked before anything is replaced.
   */
  restore(state: OptimizerStateEntry[], names: Set<string>, owner: string): number {
    if (!Array.isArray(state)) throw new ValueError(`${owner}: state must be an array of { name, tensor }, got ${describe(state)}`);
    let iterations: number | null = null;
    const pending = new Map<number, Record<string, Tensor>>();
    state.forEach((e, i) => {
      if (e === null || typeof e !== 'object' || typeof e.name !== 'string' || !(e.tensor instanceof Tensor)) {
        throw new ValueError(`${owner}: state[${i}] must be { name: string, tensor: Tensor }, got ${describe(e)}`);
      }
      if (e.name === 'iterations') {
        const v = e.tensor.size === 1 ? e.tensor.dataSync()[0] : NaN;
        if (!Number.isInteger(v) || v < 0) throw new ValueError(`${owner}: iterations must be a scalar integer >= 0, got ${describe(v)}`);
        iterations = v;
        return;
      }
      const m = /^([A-Za-z]+)\/(\d+)$/.exec(e.name);
      if (!m || !names.has(m[1])) {
        throw new ValueError(`${owner}: state[${i}].name must be 'iterations' or '<slot>/<index>' with slot one of ${[...names].join(', ')}, got ${describe(e.name)}`);
      }
      const idx = Number(m[2]);
      const rec = pending.get(idx) ?? {};
      rec[m[1]] = e.tensor;
      pending.set(idx, rec);
    });
    if (iterations === null) throw new ValueError(`${owner}: state has no 'iterations' entry`);
    // Replace current slots: those of known variables now, the rest when their variable first appears.
    for (const own of this.slotsOf.values()) for (const t of Object.values(own)) t.dispose();
    const known = this.order.slice();
    this.slotsOf.clear();
    this.order.length = 0;
    this.pending = new Map();
    for (const [idx, rec] of pending) {
      const copy: Record<string, Tensor> = {};
      for (const [n, t] of Object.entries(rec)) copy[n] = keep(new Tensor(t.backend, t.backend.upload(t.dataSync()), t.shape.slice()));
      this.pending.set(idx, copy);
    }
    for (const v of known) this.slotsFor(v, []);
    return iterations;
  }

  /** Releases every slot and every restored slot not taken yet. */
  dispose(): void {
    for (const own of this.slotsOf.values()) for (const t of Object.values(own)) t.dispose();
    for (const rec of this.pending.values()) for (const t of Object.values(rec)) t.dispose();
    this.slotsOf.clear();
    this.pending.clear();
    this.order.length = 0;
  }
}
