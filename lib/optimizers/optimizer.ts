/**
 * The base class of every optimizer: argument checks, gradient clipping, learning-rate schedules, lazily
 * allocated slots, iteration count, config and state. Subclasses only say which slots they need and make
 * ONE fused backend call per step that updates all parameters at once.
 */
import type { Backend } from '../backend/backend';
import { ValueError, describe } from '../errors';
import { noGrad } from '../autograd/tape';
import { tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import { checkClipOptions, clipGradients, type ClipOptions } from './clipping';
import { checkConvention, type OptimizerConvention } from './convention';
import { copyPairs, samePairs, validatePairs, type GradientPair } from './gradient-pairs';
import { HyperBuffer } from './hyper-buffer';
import { checkHyper } from './hyperparameters';
import { OptimizerSlots, type OptimizerStateEntry } from './optimizer-slots';
import { checkLearningRate, type LearningRate, type LearningRateSchedule } from './schedules';

export { checkHyper };
export type { OptimizerStateEntry };

/** Options every optimizer accepts. */
export interface OptimizerOptions extends ClipOptions {
  /** A constant (>= 0) or a schedule evaluated at the optimizer's iteration count (Keras semantics). */
  learningRate?: LearningRate;
  /**
   * Weight decay (>= 0). With convention 'keras' it is decoupled for every optimizer (p -= lr * wd * p before
   * the update, as Keras 3); with 'pytorch' it is the L2 form (g += wd * p) except for adamw (decoupled).
   * Default 0 (adamw: 0.004).
   */
  weightDecay?: number;
  /**
   * Whose update formulas to follow: 'keras' (default) or 'pytorch'. The defaults of the hyper-parameters are
   * Keras's either way. The differences per optimizer are listed in lib/optimizers/convention.ts.
   */
  convention?: OptimizerConvention;
}

/** @internal What a subclass gets for one step: parameters and gradients in the same order, and its slots. */
export interface StepInput {
  backend: Backend;
  params: unknown[];
  grads: unknown[];
  /** slots[slotName][i] is the storage of that slot for params[i]. */
  slots: Record<string, unknown[]>;
  /**
   * The optimizer's [learningRate, stepsDone] buffer (lib/optimizers/hyper-buffer.ts), the kernel's `hyper`
   * argument: it holds this step's rate and the steps done before it.
   */
  hyper: unknown;
}

/**
 * The one fused backend call of an optimizer step: the Backend method (sgdStep, adamStep, adagradStep,
 * rmspropStep) and its arguments.
 */
export interface OptimizerKernelCall {
  name: 'sgdStep' | 'adamStep' | 'adagradStep' | 'rmspropStep';
  args: unknown[];
}

/**
 * Base of all optimizers (`sgd`, `adam`, `adamw`, `adagrad`, `rmsprop`).
 *
 * `applyGradients` clips (clipValue, then clipNorm per gradient, then globalClipNorm), skips
 * non-trainable variables, allocates the slots at the first step of each variable (zeros on the
 * variable's backend, `backend.alloc`), runs one fused backend call, then increments `iterations`.
 */
export abstract class Optimizer {
  /** Name used in configs ('SGD', 'Adam', 'AdamW', 'Adagrad', 'RMSprop'). */
  abstract readonly className: string;
  /** Number of steps applied so far. */
  iterations = 0;

  private learningRate: LearningRate;
  protected readonly weightDecay: number;
  /** Whose update formulas this optimizer follows ('keras' unless set). */
  readonly convention: OptimizerConvention;
  private readonly clip: ClipOptions;
  /** The slots of every variable updated so far, and a restored state waiting for its variables. */
  private readonly slots = new OptimizerSlots(() => this.className, (slot) => this.slotInitialValue(slot));
  private disposed = false;
  /** The learning rate and step count as backend values, read and advanced by the step kernel. */
  private readonly hyper = new HyperBuffer();

  protected constructor(owner: string, options: OptimizerOptions, defaults: { learningRate: number; weightDecay?: number }) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ValueError(`${owner}: options must be an object, got ${describe(options)}`);
    }
    this.learningRate = checkLearningRate(options.learningRate ?? defaults.learningRate, owner);
    this.weightDecay = checkHyper(options.weightDecay ?? defaults.weightDecay ?? 0, owner, 'weightDecay');
    this.clip = checkClipOptions(options, owner);
    this.convention = checkConvention(options.convention, owner);
  }

  /** Whether the kernels run Keras's formulas (their `keras` argument). */
  protected get keras(): boolean {
    return this.convention === 'keras';
  }

  /** Slot names of this optimizer for the current hyper-parameters (e.g. ['m', 'v'] for Adam). */
  protected abstract slotNames(): string[];
  /** The slot names `getState` writes per variable (e.g. ['m', 'v'] for Adam), for validating a saved state. */
  stateSlotNames(): string[] {
    return this.slotNames();
  }
  /** Initial value of every slot element (Adagrad: initialAccumulatorValue). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }
  /** The ONE fused backend call that updates every parameter in place. */
  protected abstract kernelCall(input: StepInput): OptimizerKernelCall;

  /**
   * Counts the changes that invalidate a kernel call from `kernelCallFor` (setState replaces the slots,
   * dispose releases them).
   */
  stateVersion = 0;

  private runStep(input: StepInput): void {
    const call = this.kernelCall(input);
    const method = input.backend[call.name] as (...args: unknown[]) => void;
    method.apply(input.backend, call.args);
  }
  /** Hyper-parameters specific to the subclass, for getConfig. */
  protected abstract ownConfig(): Record<string, unknown>;

  /** The learning rate of the next step: the constant, or the schedule evaluated at `iterations`. */
  getLearningRate(): number {
    return this.learningRateAt(this.iterations);
  }

  /** The learning rate of the step after `iteration` steps: the constant, or the schedule evaluated there. */
  learningRateAt(iteration: number): number {
    return typeof this.learningRate === 'number' ? this.learningRate : this.learningRate.valueAt(iteration);
  }

  /**
   * Fills `out` with the learning rates of the `out.length` steps after `iteration` steps; false (with `out`
   * partly written) as soon as one is not a finite number >= 0.
   */
  learningRatesFrom(iteration: number, out: Float64Array): boolean {
    const lr = this.learningRate;
    if (typeof lr === 'number') {
      out.fill(lr);  // a constant: no loop to interpret
      return true;
    }
    for (let i = 0; i < out.length; i++) {
      const v = lr.valueAt(iteration + i);
      if (!(Number.isFinite(v) && v >= 0)) return false;
      out[i] = v;
    }
    return true;
  }

  /** Replaces the learning rate (or schedule) by a constant >= 0 (used by callbacks). */
  setLearningRate(lr: number): void {
    this.learningRate = checkHyper(lr, `${this.className}.setLearningRate`, 'lr');
  }

  /**
   * Applies one step: for each pair the gradient (same shape as the variable) moves the variable in
   * place, then each variable with a `constraint` is projected by it (Keras order). Non-trainable variables are
   * skipped. Gradients are not disposed (the caller owns them).
   */
  applyGradients(pairs: GradientPair[]): void {
    const { active, backend, clipping } = this.checkedStep(pairs, `${this.className}.applyGradients`);
    const lr = this.getLearningRate();
    if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`${this.className}.applyGradients: the learning rate schedule gave ${describe(lr)} at step ${this.iterations}`);
    if (backend !== null) {
      const hyper = this.hyper.prepare(backend, lr, this.iterations);
      try {
        if (clipping) {
          tidy(() => this.runStep({ backend, hyper, ...this.stepLists(active, clipGradients(active.map((p) => p.grad), this.clip)) }));
        } else {
          this.runStep({ backend, hyper, ...this.unclippedLists(active) });
        }
      } catch (err) {
        this.hyper.forget(true);
        throw err;
      }
      this.hyper.advanced(1);
      applyConstraints(active);
    }
    this.iterations++;
  }

  /**
   * @internal The one kernel call `applyGradients(pairs)` would make, for training loops that run steps on the
   * backend (lib/models/native-steps.ts). It reads the rate and step count from the optimizer's buffer, which
   * `beforeBackendSteps` fills and the run advances. The slots are allocated now. Null when the step clips
   * gradients or constrains a variable (that runs ops) or updates nothing. The call stays valid while
   * `stateVersion` is unchanged.
   */
  kernelCallFor(pairs: GradientPair[]): OptimizerKernelCall | null {
    const { active, backend, clipping } = this.checkedStep(pairs, `${this.className}.kernelCallFor`);
    if (backend === null || clipping || active.some((p) => p.variable.constraint !== null)) return null;
    return this.kernelCall({ backend, hyper: this.hyper.storageOn(backend), ...this.unclippedLists(active) });
  }

  /**
   * @internal Before a run of steps on `backend` with calls from `kernelCallFor`: the buffer gets the step count
   * `iterations` and the rate `firstRate` (the run writes each later step's rate itself).
   */
  beforeBackendSteps(backend: Backend, firstRate: number): void {
    this.hyper.prepare(backend, firstRate, this.iterations);
  }

  /** @internal After a run of `ran` steps on the backend: counts them (the run advanced the buffer's count). */
  afterBackendSteps(ran: number): void {
    this.iterations += ran;
    this.hyper.advanced(ran);
    this.hyper.forget();  // the run wrote its steps' rates
  }

  /**
   * The checks of a step on `pairs` (skipped when the same variables and gradient tensors passed them last
   * time): the pairs that update something, their backend (null when none does) and whether clipping applies.
   */
  private checkedStep(pairs: GradientPair[], owner: string): { active: GradientPair[]; backend: Backend | null; clipping: boolean } {
    if (this.disposed) throw new ValueError(`${owner}: the optimizer was disposed`);
    if (!Array.isArray(pairs)) throw new ValueError(`${owner}: pairs must be an array of { variable, grad }, got ${describe(pairs)}`);
    // A training loop passes the same variables and gradient tensors every step (fit's recorded steps do):
    // then the checks below passed already and are skipped.
    if (!samePairs(pairs, this.lastPairs)) {
      validatePairs(pairs, owner);
      this.lastPairs = copyPairs(pairs);
    }
    const active = pairs.filter((p) => p.variable.trainable && p.variable.size > 0);
    if (active.length === 0) return { active, backend: null, clipping: false };
    const backend = active[0].variable.backend;
    if (active.some((p) => p.variable.backend !== backend)) throw new ValueError(`${owner}: all variables must live on the same backend`);
    const clipping = this.clip.clipValue !== undefined || this.clip.clipNorm !== undefined || this.clip.globalClipNorm !== undefined;
    return { active, backend, clipping };
  }

  /** Parameter, gradient and slot storages of `active` with `grads` as the gradients (slots allocated on first use). */
  private stepLists(active: GradientPair[], grads: Tensor[]): { params: unknown[]; grads: unknown[]; slots: Record<string, unknown[]> } {
    const names = this.slotNames();
    const slots: Record<string, unknown[]> = {};
    for (const n of names) slots[n] = [];
    for (const p of active) {
      const own = this.slots.slotsFor(p.variable, names);
      for (const n of names) slots[n].push(own[n].storage);
    }
    return { slots, params: active.map((p) => p.variable.storage), grads: grads.map((g) => g.storage) };
  }

  /** `stepLists` of unclipped gradients, reused while the same variables and gradient tensors come back. */
  private unclippedLists(active: GradientPair[]): { params: unknown[]; grads: unknown[]; slots: Record<string, unknown[]> } {
    const cached = this.cachedInput(active);
    if (cached) return cached;
    const built = this.stepLists(active, active.map((p) => p.grad));
    this.stepCache = { active: copyPairs(active), ...built };
    return built;
  }

  /**
   * The storage lists of the last unclipped step and the pairs they were built from: a loop that passes the
   * same variables and gradient tensors again (fit's recorded steps) reuses them instead of rebuilding.
   */
  private stepCache: { active: GradientPair[]; params: unknown[]; grads: unknown[]; slots: Record<string, unknown[]> } | null = null;

  private cachedInput(active: GradientPair[]): { params: unknown[]; grads: unknown[]; slots: Record<string, unknown[]> } | null {
    const c = this.stepCache;
    return c !== null && samePairs(active, c.active) ? c : null;
  }

  /** The pairs of the last call that passed validation (shallow copies). */
  private lastPairs: GradientPair[] | null = null;

  /** Keras-style config: learningRate (a number or a schedule config), clipping, weightDecay and own hyper-parameters. */
  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    const cfg: Record<string, unknown> = {
      learningRate: typeof lr === 'number' ? lr : { className: lr.className, config: lr.getConfig() },
      weightDecay: this.weightDecay,
      convention: this.convention,
    };
    for (const [k, v] of Object.entries(this.clip)) cfg[k] = v;
    return { ...cfg, ...this.ownConfig() };
  }

  /**
   * The state to save: 'iterations' (a scalar tensor) and one entry per slot named
   * `<slot>/<index>`, index being the order in which variables were first updated. The tensors are
   * copies owned by the caller.
   */
  getState(): OptimizerStateEntry[] {
    return this.slots.state(this.iterations);
  }

  /**
   * Restores a state from `getState` (of an optimizer of the same kind, used with the same variables in
   * the same order). Existing slots are replaced; slots are taken by variables in order of first update.
   */
  setState(state: OptimizerStateEntry[]): void {
    let iterations: number;
    try {
      iterations = this.slots.restore(state, new Set(this.slotNames()), `${this.className}.setState`);
    } finally {
      // The slots may be replaced even when a restored slot did not fit its variable.
      this.stepCache = null;
      this.stateVersion++;
    }
    this.iterations = iterations;
  }

  /** Releases every slot. The optimizer cannot be used afterwards. */
  dispose(): void {
    this.hyper.dispose();
    this.lastPairs = null;
    this.stepCache = null;
    this.stateVersion++;
    this.slots.dispose();
    this.disposed = true;
  }
}

/** Projects every variable that has a constraint (Keras applies them right after the update). */
function applyConstraints(pairs: GradientPair[]): void {
  for (const { variable } of pairs) {
    const c = variable.constraint;
    if (c !== null) tidy(() => noGrad(() => variable.assign(c.apply(variable))));
  }
}

export type { LearningRate, LearningRateSchedule };
