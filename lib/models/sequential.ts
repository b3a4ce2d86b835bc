/**
 * The Sequential model: a stack of layers, a `Model` over a one-path graph (built when the input shape is known:
 * from the first layer's `inputShape`, `build`, or the first data), with compile / fit / evaluate / predict.
 */
import { withLossScaling } from '../optimizers/loss-scale-optimizer';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { Layer } from '../layers/layer';
import { InputLayer } from '../layers/input-layer';
import { GraphNode } from '../layers/symbolic';
import { deserializeLayer } from '../layers/registry';
import { resolveCompile, type CompileArgs } from './compile';
import type { EvaluateOptions, EvaluateResult, PredictOptions } from './evaluate';
import type { AsyncEvaluateOptions, AsyncInferenceOptions } from './inference-async';
import type { FitOptions } from './fit';
import type { Dataset } from '../data/dataset';
import type { FitDatasetOptions } from './fit-dataset';
import type { DatasetEvaluateOptions, DatasetInferenceOptions } from './dataset-inference';
import { buildGraph } from './graph';
import { logitsActivationOf } from './graph-run';
import type { History } from './history';
import type { InputData } from './input-data';
import { Model, modelName, NESTED_MODELS } from './model';
import { ModelStateError } from './model-state-error';
import { summarize } from './summary';

/** The serializable architecture of a Sequential model. */
export interface SequentialConfig {
  name?: string;
  layers: { className: string; config: Record<string, unknown> }[];
  /** Shape of one input sample (batch excluded), null when not built yet. */
  inputShape: number[] | null;
}

/**
 * A linear stack of layers. Build it with `sequential([...])` or `add`, then `compile`, `fit`,
 * `evaluate`, `predict`. The first layer needs `inputShape`, or the model builds itself from the first
 * data it sees.
 */
export class Sequential extends Model {
  private _inputShape: number[] | null = null;

  constructor(layers: Layer[] = [], name?: string) {
    if (!Array.isArray(layers)) throw new ValueError(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    super(null, name ?? modelName('sequential'));
    for (const l of layers) this.add(l);
  }

  override get className(): string {
    return 'Sequential';
  }

  /** Appends a layer (built at once when the model is already built). */
  add(layer: Layer): void {
    this.alive('Sequential.add');
    if (!(layer instanceof Layer)) throw new ValueError(`Sequential.add: layer must be a Layer (e.g. layers.dense(...)), got ${describe(layer)}`);
    if (this.isTraining) throw new ModelStateError('Sequential.add: cannot add layers while fit() runs');
    if (this.layers.some((l) => l.name === layer.name)) throw new ValueError(`Sequential.add: a layer named ${describe(layer.name)} is already in the model; names must be unique`);
    if (this.layers.includes(layer)) throw new ValueError(`Sequential.add: layer ${layer.name} is already in the model`);
    this.layers.push(layer);
    if (this.layers.length === 1 && layer.inputShape) this.build(layer.inputShape);
    else if (this._inputShape) this.build(this._inputShape);
    if (this.compiled) this.compiled = null;
  }

  /** Shape of one input sample, null until built. */
  override get inputShape(): number[] | null {
    return this._inputShape ? this._inputShape.slice() : null;
  }

  /** Shape of one output sample, null until built. */
  override get outputShape(): number[] | null {
    if (!this._inputShape) return null;
    return this.layers.reduce((s, l) => l.computeOutputShape(s), this._inputShape);
  }

  /**
   * Builds every layer for samples of `inputShape` and the one-path graph through them; throws ShapeError when
   * it contradicts the built shape.
   */
  build(inputShape: number[]): void {
    this.alive('build');
    if (this._inputShape) {
      const same = this._inputShape.length === inputShape.length && this._inputShape.every((d, i) => d === inputShape[i]);
      if (!same) throw new ShapeError(`${this.name}: expected samples of shape [${this._inputShape.join(', ')}], got samples of shape [${inputShape.join(', ')}]`);
    }
    let shape = inputShape.slice();
    const input = new InputLayer({ shape, name: `${this.name}_input` });
    let t = input.output;
    for (const layer of this.layers) {
      if (!layer.built) {
        if (layer.inputShape && (layer.inputShape.length !== shape.length || layer.inputShape.some((d, i) => d !== shape[i]))) {
          throw new ShapeError(`${layer.name}: declared inputShape [${layer.inputShape.join(', ')}] but receives samples of shape [${shape.join(', ')}]`);
        }
        layer.build(shape);
      }
      shape = layer.computeOutputShape(shape);
      t = new GraphNode(layer, [t], [shape]).outputs[0];
    }
    this.setGraph(buildGraph([input.output], [t], this.name));
    this._inputShape = inputShape.slice();
  }

  /** The final activation ('softmax' or 'sigmoid') that a cross-entropy can take as fused logits, or null. */
  get outputActivation(): 'softmax' | 'sigmoid' | null {
    return logitsActivationOf(this.layers[this.layers.length - 1]);
  }

  /**
   * Configures training: optimizer, loss and metrics. With a softmax output and a (sparse) categorical
   * cross-entropy, the loss is computed from the logits with the fused softmax cross-entropy; with a
   * sigmoid output and a binary cross-entropy, from the logits in the stable form (as TensorFlow's Keras
   * does for a sigmoid output): same value, without the probability clipping and in far fewer kernels.
   */
  override compile(args: CompileArgs): void {
    this.alive('compile');
    if (this.isTraining) throw new ModelStateError('compile: cannot compile while fit() runs');
    if (this.layers.length === 0) throw new ModelStateError('compile: the model has no layers; add layers first');
    this.compiled = withLossScaling(resolveCompile(args, this.outputActivation), this.layers);
  }

  /** @internal Builds from data when needed and checks the sample shape of x. */
  override ensureBuilt(x: Tensor, op: string): void {
    this.alive(op);
    if (this.layers.length === 0) throw new ModelStateError(`${op}: the model has no layers`);
    const sample = x.shape.slice(1);
    if (!this._inputShape) this.build(sample);
    const expected = this._inputShape as number[];
    if (sample.length !== expected.length || sample.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${op}: x must have shape [n, ${expected.join(', ')}], got [${x.shape.join(', ')}]`);
    }
    this.layers[0].checkInputValues(x, op);
  }

  /** The model's output for a batch (training switches dropout / batch statistics). */
  override call(x: Tensor, training = false): Tensor {
    this.alive('call');
    return this.callPacked(x, training);
  }

  /**
   * Trains for `epochs` epochs of mini-batches and returns the History (see `FitOptions`). `fit(dataset, options)`
   * trains on the batches of a `my.data.Dataset` instead (see `FitDatasetOptions`).
   */
  override fit(x: InputData, y: InputData, options?: FitOptions): Promise<History>;
  override fit(dataset: Dataset, options?: FitDatasetOptions): Promise<History>;
  override fit(x: InputData | Dataset, y?: InputData | FitDatasetOptions, options: FitOptions = {}): Promise<History> {
    return super.fit(x as InputData, y as InputData, options);
  }

  /**
   * The loss (with regularization penalties, as Keras) and metrics over (x, y), in inference mode.
   * Returns the loss as a number when the model has no metrics, else `[loss, ...metrics]` in compile order; with
   * `returnDict: true` (Keras's `return_dict`), `{ loss, [metricName]: value }`.
   */
  override evaluate(x: InputData, y: InputData, options: EvaluateOptions & { returnDict: true }): Record<string, number>;
  override evaluate(x: InputData, y: InputData, options?: EvaluateOptions): number | number[];
  /** The loss and metrics over the batches of a Dataset (at most `options.steps` of them), resolved when read. */
  override evaluate(dataset: Dataset, options: DatasetEvaluateOptions & { returnDict: true }): Promise<Record<string, number>>;
  override evaluate(dataset: Dataset, options?: DatasetEvaluateOptions): Promise<number | number[]>;
  override evaluate(x: InputData | Dataset, y?: InputData | DatasetEvaluateOptions, options: EvaluateOptions = {}): EvaluateResult | Promise<EvaluateResult> {
    return super.evaluate(x as InputData, y as InputData, options);
  }

  /**
   * The model's output for x (inference mode), computed in batches of `batchSize` (default 32), on the JavaScript
   * thread: for small inputs. Large inputs: `predictAsync`.
   */
  override predict(x: InputData, options?: PredictOptions): Tensor;
  /** The outputs of every batch of a Dataset (at most `options.steps`), concatenated. */
  override predict(dataset: Dataset, options?: DatasetInferenceOptions): Promise<Tensor>;
  override predict(x: InputData | Dataset, options: PredictOptions | DatasetInferenceOptions = {}): Tensor | Promise<Tensor> {
    return super.predict(x as InputData, options as PredictOptions) as Tensor | Promise<Tensor>;
  }

  /**
   * `predict` without blocking the event loop: the batches run on a native worker thread where the backend can
   * (cpu), else with a turn of the event loop between batches. Same result as `predict`. `signal` aborts it
   * (rejects with an error named 'AbortError' within one batch).
   */
  override predictAsync(x: InputData, options: AsyncInferenceOptions = {}): Promise<Tensor> {
    return super.predictAsync(x, options) as Promise<Tensor>;
  }

  /** `evaluate` without blocking the event loop, as `predictAsync`; the same loss and metrics as `evaluate`. */
  override evaluateAsync(x: InputData, y: InputData, options: AsyncEvaluateOptions & { returnDict: true }): Promise<Record<string, number>>;
  override evaluateAsync(x: InputData, y: InputData, options?: AsyncEvaluateOptions): Promise<number | number[]>;
  override evaluateAsync(x: InputData, y: InputData, options: AsyncEvaluateOptions = {}): Promise<EvaluateResult> {
    return super.evaluateAsync(x, y, options as AsyncEvaluateOptions);
  }

  /** Prints a table of the layers (name and class, output shape, parameters) and the totals. */
  override summary(printFn: (line: string) => void = console.log): void {
    this.alive('summary');
    for (const line of summarize(this)) printFn(line);
  }

  /** The architecture: layer configs and input shape (no weights). */
  override getConfig(): SequentialConfig {
    this.alive('getConfig');
    return { name: this.name, layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })), inputShape: this.inputShape };
  }

  /** A new, uncompiled model with the architecture of `config` (fresh weights). */
  static override fromConfig(config: SequentialConfig): Sequential {
    if (config === null || typeof config !== 'object' || !Array.isArray(config.layers)) {
      throw new ValueError(`Sequential.fromConfig: expected { layers: [...], inputShape }, got ${describe(config)}`);
    }
    const model = new Sequential(config.layers.map((entry) => deserializeLayer(entry)), typeof config.name === 'string' ? config.name : undefined);
    if (Array.isArray(config.inputShape) && !model._inputShape) model.build(config.inputShape);
    return model;
  }

  protected override disposeNow(): void {
    super.disposeNow();
    this._inputShape = null;
  }
}

/** A Sequential model from a list of layers: `sequential([layers.dense({ units: 1, inputShape: [3] })])`. */
export function sequential(layers: Layer[] = []): Sequential {
  return new Sequential(layers);
}

NESTED_MODELS.set('Sequential', (c) => Sequential.fromConfig(c as unknown as SequentialConfig));
