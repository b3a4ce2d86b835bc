/** The Sequential model: a stack of layers with compile / fit / evaluate / predict (Keras semantics). */
import { DisposedError, ShapeError, ValueError, describe } from '../errors';
import { clone } from '../ops/reshape';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import type { Optimizer } from '../optimizers/optimizer';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { Layer } from '../layers/layer';
import { deserializeLayer } from '../layers/registry';
import { resolveCompile, type CompileArgs, type Compiled } from './compile';
import { evaluateModel, predictModel, type EvaluateOptions, type PredictOptions } from './evaluate';
import { evaluateModelAsync, predictModelAsync, type AsyncInferenceOptions } from './inference-async';
import type { StepControl } from '../engine/step-control';
import { fitModel, type FitOptions } from './fit';
import { Dataset } from '../data/dataset';
import { fitDatasetModel, type FitDatasetOptions } from './fit-dataset';
import { evaluateDataset, predictDataset, type DatasetInferenceOptions } from './dataset-inference';
import type { History } from './history';
import type { InputData } from './input-data';
import { ModelStateError } from './model-state-error';
import { summarize } from './summary';

/** The serializable architecture of a Sequential model. */
export interface SequentialConfig {
  name?: string;
  layers: { className: string; config: Record<string, unknown> }[];
  /** Shape of one input sample (batch excluded), null when not built yet. */
  inputShape: number[] | null;
}

let modelCounter = 0;

/**
 * A linear stack of layers. Build it with `sequential([...])` or `add`, then `compile`, `fit`,
 * `evaluate`, `predict`. The first layer needs `inputShape`, or the model builds itself from the first
 * data it sees.
 */
export class Sequential {
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** The model's name. */
  readonly name: string;
  private _stopTraining = false;
  private stepControl: StepControl | null = null;
  private _disposeRequested = false;
  private compiled: Compiled | null = null;
  private _inputShape: number[] | null = null;
  private training = false;
  private disposed = false;

  /** Throws DisposedError when `dispose()` was called: a disposed model never rebuilds itself silently. */
  private alive(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the model ${this.name} was disposed; load or build a new one`);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  constructor(layers: Layer[] = [], name?: string) {
    if (!Array.isArray(layers)) throw new ValueError(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    this.name = name ?? (modelCounter++ === 0 ? 'sequential' : `sequential_${modelCounter - 1}`);
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (built at once when the model is already built). */
  add(layer: Layer): void {
    this.alive('Sequential.add');
    if (!(layer instanceof Layer)) throw new ValueError(`Sequential.add: layer must be a Layer (e.g. layers.dense(...)), got ${describe(layer)}`);
    if (this.training) throw new ModelStateError('Sequential.add: cannot add layers while fit() runs');
    if (this.layers.some((l) => l.name === layer.name)) throw new ValueError(`Sequential.add: a layer named ${describe(layer.name)} is already in the model; names must be unique`);
    if (this.layers.includes(layer)) throw new ValueError(`Sequential.add: layer ${layer.name} is already in the model`);
    this.layers.push(layer);
    if (this.layers.length === 1 && layer.inputShape) this.build(layer.inputShape);
    else if (this._inputShape) this.build(this._inputShape);
    if (this.compiled) this.compiled = null;
  }

  /** Shape of one input sample, null until built. */
  get inputShape(): number[] | null {
    return this._inputShape ? this._inputShape.slice() : null;
  }

  /** Shape of one output sample, null until built. */
  get outputShape(): number[] | null {
    if (!this._inputShape) return null;
    return this.layers.reduce((s, l) => l.computeOutputShape(s), this._inputShape);
  }

  /** Builds every layer for samples of `inputShape`; throws ShapeError when it contradicts the built shape. */
  build(inputShape: number[]): void {
    this.alive('build');
    if (this._inputShape) {
      const same = this._inputShape.length === inputShape.length && this._inputShape.every((d, i) => d === inputShape[i]);
      if (!same) throw new ShapeError(`${this.name}: expected samples of shape [${this._inputShape.join(', ')}], got samples of shape [${inputShape.join(', ')}]`);
    }
    let shape = inputShape.slice();
    for (const layer of this.layers) {
      if (!layer.built) {
        if (layer.inputShape && (layer.inputShape.length !== shape.length || layer.inputShape.some((d, i) => d !== shape[i]))) {
          throw new ShapeError(`${layer.name}: declared inputShape [${layer.inputShape.join(', ')}] but receives samples of shape [${shape.join(', ')}]`);
        }
        layer.build(shape);
      }
      shape = layer.computeOutputShape(shape);
    }
    this._inputShape = inputShape.slice();
  }

  /** Every weight of every layer, in order. */
  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights the optimizer updates. */
  get trainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /**
   * The final activation ('softmax' or 'sigmoid') that a cross-entropy can take as fused logits, or null.
   * (A Dense layer with an activity regularizer needs its activated output, so it is never fused.)
   */
  get outputActivation(): 'softmax' | 'sigmoid' | null {
    const last = this.layers[this.layers.length - 1];
    const act = last instanceof Dense && last.activityRegularizer === null ? last.activation : last instanceof Activation ? last.activation : null;
    return act === 'softmax' || act === 'sigmoid' ? act : null;
  }

  /**
   * Configures training: optimizer, loss and metrics. With a softmax output and a (sparse) categorical
   * cross-entropy, the loss is computed from the logits with the fused softmax cross-entropy; with a
   * sigmoid output and a binary cross-entropy, from the logits in the stable form (as TensorFlow's Keras
   * does for a sigmoid output): same value, without the probability clipping and in far fewer kernels.
   */
  compile(args: CompileArgs): void {
    this.alive('compile');
    if (this.training) throw new ModelStateError('compile: cannot compile while fit() runs');
    if (this.layers.length === 0) throw new ModelStateError('compile: the model has no layers; add layers first');
    this.compiled = resolveCompile(args, this.outputActivation);
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
   * Set to true (by a callback, or from anywhere while `fit` runs, e.g. a request handler of a service) to end
   * `fit` after the current training step; the fit then resolves with the history so far. `fit` sets it back to
   * false when it starts. To reject the fit instead, pass an AbortSignal (`fit(x, y, { signal })`).
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

  /** @internal True when `dispose` was called while `fit` ran (the fit stops and frees the model). */
  get disposeRequested(): boolean {
    return this._disposeRequested;
  }

  /** True while `fit` runs. */
  get isTraining(): boolean {
    return this.training;
  }

  /** @internal Builds from data when needed and checks the sample shape of x. */
  ensureBuilt(x: Tensor, op: string): void {
    this.alive(op);
    if (this.layers.length === 0) throw new ModelStateError(`${op}: the model has no layers`);
    const sample = x.shape.slice(1);
    if (!this._inputShape) this.build(sample);
    const expected = this._inputShape as number[];
    if (sample.length !== expected.length || sample.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${op}: x must have shape [n, ${expected.join(', ')}], got [${x.shape.join(', ')}]`);
    }
  }

  /**
   * @internal The forward pass with the activity penalties of each layer. With `logits`, the final
   * softmax or sigmoid is left out.
   */
  forwardWithLosses(x: Tensor, training: boolean, logits: boolean): { output: Tensor; activity: Tensor[] } {
    this.alive('forward');
    let h = x;
    const activity: Tensor[] = [];
    this.layers.forEach((layer, i) => {
      const last = i === this.layers.length - 1;
      if (last && logits) {
        if (layer instanceof Activation) return;
        h = (layer as Dense).forward(h, true);
        return;
      }
      h = layer.apply(h, training);
      const a = layer.activityLoss(h);
      if (a) activity.push(a);
    });
    return { output: h, activity };
  }

  /** The model's output for a batch (training switches dropout / batch statistics). */
  call(x: Tensor, training = false): Tensor {
    this.alive('call');
    this.ensureBuilt(x, 'call');
    let h = x;
    for (const layer of this.layers) h = layer.apply(h, training);
    return h;
  }

  /**
   * Trains for `epochs` epochs of mini-batches and returns the History. See `FitOptions` for the
   * options and their defaults. `fit(dataset, options)` trains on the batches of a `my.data.Dataset` instead
   * (see `FitDatasetOptions`: stepsPerEpoch, validationData as a dataset, validationSteps, validationFreq).
   */
  fit(x: InputData, y: InputData, options?: FitOptions): Promise<History>;
  fit(dataset: Dataset, options?: FitDatasetOptions): Promise<History>;
  fit(x: InputData | Dataset, y?: InputData | FitDatasetOptions, options: FitOptions = {}): Promise<History> {
    if (this.disposed) return Promise.reject(new DisposedError(`fit: the model ${this.name} was disposed; load or build a new one`));
    if (x instanceof Dataset) return fitDatasetModel(this, x, (y ?? {}) as FitDatasetOptions);
    return fitModel(this, x, y as InputData, options);
  }

  /** tfjs's name of `fit(dataset, options)`. */
  fitDataset(dataset: Dataset, options: FitDatasetOptions = {}): Promise<History> {
    return this.fit(dataset, options);
  }

  /**
   * The loss (with regularization penalties, as Keras) and metrics over (x, y), in inference mode.
   * Returns the loss as a number when the model has no metrics, else `[loss, ...metrics]` in compile order.
   */
  evaluate(x: InputData, y: InputData, options?: EvaluateOptions): number | number[];
  /** The loss and metrics over the batches of a Dataset (at most `options.steps` of them), resolved when read. */
  evaluate(dataset: Dataset, options?: DatasetInferenceOptions): Promise<number | number[]>;
  evaluate(x: InputData | Dataset, y?: InputData | DatasetInferenceOptions, options: EvaluateOptions = {}): number | number[] | Promise<number | number[]> {
    this.alive('evaluate');
    if (x instanceof Dataset) return evaluateDataset(this, x, y as DatasetInferenceOptions);
    return evaluateModel(this, x, y as InputData, options);
  }

  /**
   * The model's output for x (inference mode), computed in batches of `batchSize` (default 32), on the JavaScript
   * thread: for small inputs. Large inputs: `predictAsync`.
   */
  predict(x: InputData, options?: PredictOptions): Tensor;
  /** The outputs of every batch of a Dataset (at most `options.steps`), concatenated. */
  predict(dataset: Dataset, options?: DatasetInferenceOptions): Promise<Tensor>;
  predict(x: InputData | Dataset, options: PredictOptions | DatasetInferenceOptions = {}): Tensor | Promise<Tensor> {
    this.alive('predict');
    if (x instanceof Dataset) return predictDataset(this, x, options as DatasetInferenceOptions);
    return predictModel(this, x, options as PredictOptions);
  }

  /**
   * `predict` without blocking the event loop: the batches run on a native worker thread where the backend can
   * (cpu), else with a turn of the event loop between batches. Same result as `predict`. `signal` aborts it
   * (rejects with an error named 'AbortError' within one batch).
   */
  predictAsync(x: InputData, options: AsyncInferenceOptions = {}): Promise<Tensor> {
    try {
      this.alive('predictAsync');
    } catch (err) {
      return Promise.reject(err);
    }
    return predictModelAsync(this, x, options);
  }

  /** `evaluate` without blocking the event loop, as `predictAsync`; the same loss and metrics as `evaluate`. */
  evaluateAsync(x: InputData, y: InputData, options: AsyncInferenceOptions = {}): Promise<number | number[]> {
    try {
      this.alive('evaluateAsync');
    } catch (err) {
      return Promise.reject(err);
    }
    return evaluateModelAsync(this, x, y, options);
  }

  /** Prints a table of the layers (name and class, output shape, parameters) and the totals. */
  summary(printFn: (line: string) => void = console.log): void {
    this.alive('summary');
    for (const line of summarize(this)) printFn(line);
  }

  /** Number of scalar weights. */
  countParams(): number {
    this.alive('countParams');
    return this.layers.reduce((a, l) => a + l.countParams(), 0);
  }

  /** Copies of every weight, in layer order (as `weights`). */
  getWeights(): Tensor[] {
    this.alive('getWeights');
    return this.weights.map((w) => clone(w));
  }

  /** Sets every weight (same order and shapes as `getWeights`); shape-checked before anything changes. */
  setWeights(ws: Tensor[]): void {
    this.alive('setWeights');
    const own = this.weights;
    if (!Array.isArray(ws) || ws.length !== own.length) {
      throw new ShapeError(`setWeights: the model has ${own.length} weights, got ${Array.isArray(ws) ? ws.length : describe(ws)}`);
    }
    let at = 0;
    const slices = this.layers.map((l) => { const part = ws.slice(at, at + l.weights.length); at += l.weights.length; return part; });
    ws.forEach((w, i) => {
      if (!(w instanceof Tensor)) throw new ValueError(`setWeights: weights[${i}] must be a Tensor, got ${describe(w)}`);
      if (w.shape.length !== own[i].shape.length || w.shape.some((d, j) => d !== own[i].shape[j])) {
        throw new ShapeError(`setWeights: weights[${i}] (${own[i].name}) must have shape [${own[i].shape.join(', ')}], got [${w.shape.join(', ')}]`);
      }
    });
    this.layers.forEach((l, i) => l.setWeights(slices[i]));
  }

  /** The architecture: layer configs and input shape (no weights). */
  getConfig(): SequentialConfig {
    this.alive('getConfig');
    return { name: this.name, layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })), inputShape: this.inputShape };
  }

  /** A new, uncompiled model with the architecture of `config` (fresh weights). */
  static fromConfig(config: SequentialConfig): Sequential {
    if (config === null || typeof config !== 'object' || !Array.isArray(config.layers)) {
      throw new ValueError(`Sequential.fromConfig: expected { layers: [...], inputShape }, got ${describe(config)}`);
    }
    const model = new Sequential(config.layers.map((entry) => deserializeLayer(entry)), typeof config.name === 'string' ? config.name : undefined);
    if (Array.isArray(config.inputShape) && !model._inputShape) model.build(config.inputShape);
    return model;
  }

  /**
   * Disposes every weight and the optimizer's state; afterwards every method throws DisposedError (a second dispose
   * does nothing). While `fit` runs, the fit is stopped first (it rejects with a DisposedError) and the model is
   * freed as soon as its current step has finished.
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

  private disposeNow(): void {
    this._disposeRequested = false;
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
    this.compiled = null;
    this._inputShape = null;
  }
}

/** A Sequential model from a list of layers: `sequential([layers.dense({ units: 1, inputShape: [3] })])`. */
export function sequential(layers: Layer[] = []): Sequential {
  return new Sequential(layers);
}
