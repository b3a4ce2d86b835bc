/**
 * The life cycle every model shares: the compiled state (optimizer, losses, metrics), the flags of a running fit
 * (stopTraining, the step control of its native jobs, a dispose requested while it runs) and disposal. `Model`
 * (lib/models/model.ts) adds the graph.
 */
import { DisposedError } from '../errors';
import type { StepControl } from '../engine/step-control';
import type { Optimizer } from '../optimizers/optimizer';
import type { Compiled } from './compile';
import { ModelStateError } from './model-state-error';

/** The state of a model between compile, fit and dispose. */
export abstract class ModelLifecycle {
  /** The model's name. */
  abstract readonly name: string;
  private _stopTraining = false;
  private stepControl: StepControl | null = null;
  private _disposeRequested = false;
  /** @internal */
  protected compiled: Compiled | null = null;
  private training = false;
  private disposed = false;

  /** Throws DisposedError when `dispose()` was called: a disposed model never rebuilds itself silently. */
  protected alive(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the model ${this.name} was disposed; load or build a new one`);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The optimizer set by `compile` (null before). */
  get optimizer(): Optimizer | null {
    return this.compiled ? this.compiled.optimizer : null;
  }

  /** The serializable compile arguments, null when not compiled. */
  get compileConfig(): Compiled['config'] | null {
    return this.compiled ? this.compiled.config : null;
  }

  /** @internal The compiled state; throws ModelStateError when not compiled. */
  requireCompiled(op: string): Compiled {
    this.alive(op);
    if (!this.compiled) throw new ModelStateError(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
    return this.compiled;
  }

  /**
   * Set to true (by a callback, or from anywhere while `fit` runs) to end `fit` after the current training step;
   * the fit then resolves with the history so far. To reject the fit instead, pass an AbortSignal.
   */
  get stopTraining(): boolean {
    return this._stopTraining;
  }

  set stopTraining(value: boolean) {
    this._stopTraining = value;
    if (value) this.stepControl?.requestStop();  // a native job running the fit's steps stops after its current step
    else this.stepControl?.clear();
  }

  /** @internal Marks fit as running; throws ModelStateError when it already is. */
  beginTraining(): void {
    this.alive('fit');
    if (this.training) throw new ModelStateError('fit: this model is already training; wait for the running fit() to finish');
    this.training = true;
    this.stopTraining = false;
  }

  /** @internal Ends fit; frees the model when `dispose` was called while it ran. */
  endTraining(): void {
    this.training = false;
    if (this._disposeRequested) this.disposeNow();
  }

  /** @internal The control word of the running fit's native jobs (null when none runs). */
  attachStepControl(control: StepControl | null): void {
    this.stepControl = control;
  }

  /** @internal True when `dispose` was called while `fit` ran. */
  get disposeRequested(): boolean {
    return this._disposeRequested;
  }

  /** True while `fit` runs. */
  get isTraining(): boolean {
    return this.training;
  }

  /**
   * Disposes every weight and the optimizer's state; afterwards every method throws DisposedError. While `fit`
   * runs, the fit is stopped first (it rejects with a DisposedError) and the model is freed after its current step.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.training) {
      this._disposeRequested = true;
      this.stepControl?.requestStop();
      return;
    }
    this.disposeNow();
  }

  /** @internal Frees the optimizer (subclasses free their layers too). */
  protected disposeNow(): void {
    this._disposeRequested = false;
    this.compiled?.optimizer.dispose();
    this.compiled = null;
  }
}
