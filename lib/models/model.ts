/**
 * The graph model (Keras `Functional`, tfjs `LayersModel`): `my.model({ inputs, outputs })` over symbolic tensors,
 * with compile / fit / evaluate / predict. `Sequential` is the same class over a one-path graph. Data with several
 * inputs or targets travels packed side by side in one [n, columns] tensor (lib/models/graph-data.ts), so that the
 * training engine (recorded, compiled and native steps) runs every model the same way.
 */
import { withLossScaling } from '../optimizers/loss-scale-optimizer';
import { DisposedError, ShapeError, ValueError, describe } from '../errors';
import { clone } from '../ops/reshape';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { Layer } from '../layers/layer';
import { isSymbolic, type SymbolicTensor } from '../layers/symbolic';
import { resolveModelCompile, type CompileArgs } from './compile';
import type { EvaluateOptions, EvaluateResult, PredictOptions } from './evaluate';
import type { AsyncEvaluateOptions, AsyncInferenceOptions } from './inference-async';
import { ModelLifecycle } from './model-lifecycle';
import type { FitOptions } from './fit';
import type { Dataset } from '../data/dataset';
import type { FitDatasetOptions } from './fit-dataset';
import type { DatasetEvaluateOptions, DatasetInferenceOptions } from './dataset-inference';
import { evaluateData, evaluateDataAsync, fitData, predictData, predictDataAsync } from './model-data-calls';
import { setModelWeights } from './model-weights';
import { buildGraph, type Graph } from './graph';
import { checkGraphInputValues, packedInputs, packOutputs, unpackInputs, type ModelData } from './graph-data';
import { fusableOutput, runGraph, type GraphPass } from './graph-run';
import type { History } from './history';
import { ModelStateError } from './model-state-error';
import { ModelLayer } from './model-layer';
import { graphConfig, graphFromConfig, type GraphModelConfig } from './graph-config';
import { ModelFormatError } from '../errors';
import type { Layer as LayerType } from '../layers/layer';
import type { SequentialConfig } from './sequential';
import { summarizeGraph } from './summary-graph';
import { callInputs, findLayer, modelName, outputNamesOf } from './model-graph-views';

/** Options of `my.model`. */
export interface ModelArgs {
  /** The model's inputs: `my.input` tensors (one, or an array). */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The model's outputs: symbolic tensors computed from the inputs (one, or an array). */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** The model's name; default `model`, `model_1`, ... */
  name?: string;
}

export { modelName };

/**
 * A model over a graph of layers: several inputs and outputs, shared layers (one layer applied twice: one set
 * of weights), models used as layers (`otherModel.apply(x)`). Build it with `my.model({ inputs, outputs })`;
 * then `compile`, `fit`, `evaluate`, `predict` as `Sequential`. Data (x, and y for fit / evaluate) is a tensor for
 * a model of one input (output), else an array in input (output) order or an object keyed by input (output) name.
 * Output names are the names of the layers that produce them.
 */
export abstract class Model extends ModelLifecycle {
  /** The layers that compute something, in the order they first run (a shared layer once, inputs excluded). */
  readonly layers: Layer[] = [];
  /** The model's name. */
  readonly name: string;
  /** @internal The checked graph (null for a Sequential until it is built). */
  protected graph: Graph | null = null;
  private layerView: ModelLayer | null = null;

  constructor(args: ModelArgs | null, name?: string) {
    super();
    if (args === null) {
      this.name = name as string;
      return;
    }
    if (args === undefined || typeof args !== 'object') throw new ValueError(`model: options must be { inputs, outputs, name? }, got ${describe(args)}`);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) throw new ValueError(`model: name must be a non-empty string, got ${describe(args.name)}`);
    this.name = args.name ?? modelName('model');
    this.setGraph(buildGraph(args.inputs, args.outputs, `model ${this.name}`));
  }

  /** The class name a config stores for this model when it is a layer of another ('Functional', 'Sequential'). */
  get className(): string {
    return 'Functional';
  }

  /** @internal Installs the graph (Sequential: at build). */
  protected setGraph(graph: Graph): void {
    this.graph = graph;
    this.layers.splice(0, this.layers.length, ...graph.layers);  // a Sequential's own list: the same layers, in order
  }

  /** @internal The graph; throws ModelStateError while there is none (an unbuilt Sequential). */
  requireGraph(op: string): Graph {
    if (!this.graph) throw new ModelStateError(`${op}: the model ${this.name} is not built yet (give the first layer an inputShape, or fit/predict once)`);
    return this.graph;
  }

  /** The input names (the keys of x given as an object), in input order. */
  get inputNames(): string[] {
    return this.graph ? this.graph.inputs.map((t) => t.sourceLayer.name) : [];
  }

  /** The output names (the keys of y given as an object): the producing layers' names (`_1`, ... when repeated). */
  get outputNames(): string[] {
    return outputNamesOf(this.graph);
  }

  /** Sample shapes of the inputs (batch excluded), in order; empty before the graph exists. */
  get inputShapes(): number[][] {
    return this.graph ? this.graph.inputs.map((t) => t.shape.slice()) : [];
  }

  /** Sample shapes of the outputs, in order. */
  get outputShapes(): number[][] {
    return this.graph ? this.graph.outputs.map((t) => t.shape.slice()) : [];
  }

  /** Shape of one input sample: one shape for a model of one input, else one per input; null until built. */
  get inputShape(): number[] | number[][] | null {
    const s = this.inputShapes;
    return s.length === 0 ? null : s.length === 1 ? s[0] : s;
  }

  /** Shape of one output sample: one shape for a model of one output, else one per output; null until built. */
  get outputShape(): number[] | number[][] | null {
    const s = this.outputShapes;
    return s.length === 0 ? null : s.length === 1 ? s[0] : s;
  }

  /** The layer named `name` (inputs included), or the layer at `index` of `layers`; ValueError when none. */
  getLayer(name: string | number): Layer {
    this.alive('getLayer');
    return findLayer(this.name, this.graph, this.layers, name);
  }

  /** Every weight of every layer, in layer order (a shared layer's once). */
  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights the optimizer updates. */
  get trainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** @internal Per output: its name, shape and the activation a cross-entropy may fuse. */
  protected outputInfo(): { name: string; shape: number[]; activation: 'softmax' | 'sigmoid' | null }[] {
    const graph = this.requireGraph('compile');
    const names = this.outputNames;
    return graph.outputs.map((t, k) => ({ name: names[k], shape: t.shape.slice(), activation: fusableOutput(graph, k) }));
  }

  /**
   * Configures training: optimizer, loss(es), loss weights and metrics (see `CompileArgs`). A softmax or sigmoid
   * output with the matching cross-entropy is trained from its logits (as `Sequential`).
   */
  compile(args: CompileArgs): void {
    this.alive('compile');
    if (this.isTraining) throw new ModelStateError('compile: cannot compile while fit() runs');
    this.compiled = withLossScaling(resolveModelCompile(args, this.outputInfo()), this.layers);
  }

  /** @internal Checks the sample shape of (packed) x against the model. */
  ensureBuilt(x: Tensor, op: string): void {
    this.alive(op);
    const graph = this.requireGraph(op);
    const expected = graph.inputs.length === 1 ? graph.inputs[0].shape : [packedInputs(graph).width];
    const sample = x.shape.slice(1);
    if (sample.length !== expected.length || sample.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${op}: x must have shape [n, ${expected.join(', ')}]${graph.inputs.length > 1 ? ' (the inputs packed)' : ''}, got [${x.shape.join(', ')}]`);
    }
    checkGraphInputValues(graph, x, op);
  }

  /** @internal The graph run on a (packed) batch: each output (logits where `logits[k]`) and the activity penalties. */
  forwardOutputs(x: Tensor, training: boolean, logits: readonly boolean[] | null): GraphPass {
    this.alive('forward');
    const graph = this.requireGraph('forward');
    return runGraph(graph, unpackInputs(graph, x), training, logits);
  }

  /**
   * @internal The forward pass of a model of one output with the activity penalties and the output's time mask (or
   * null). With `logits`, the final softmax or sigmoid is left out.
   */
  forwardWithLosses(x: Tensor, training: boolean, logits: boolean): { output: Tensor; activity: Tensor[]; mask: Tensor | null } {
    const r = this.forwardOutputs(x, training, logits ? [true] : null);
    return { output: r.outputs[0], activity: r.activity, mask: r.masks[0] };
  }

  /**
   * Sets the carried states of the model's stateful recurrent layers to 0 (Keras `reset_states`), e.g. between
   * two independent sequences fed in chunks; other layers are left as they are.
   */
  resetStates(): void {
    this.alive('resetStates');
    for (const layer of this.layers) (layer as { resetStates?: () => void }).resetStates?.();
  }

  /** @internal The graph on one batch tensor per input (a model used as a layer). */
  runOn(xs: Tensor[], training: boolean): GraphPass {
    this.alive('call');
    return runGraph(this.requireGraph('call'), xs, training, null);
  }

  /** @internal The output of a (packed) batch: the output itself, or the outputs packed side by side. */
  callPacked(x: Tensor, training = false): Tensor {
    this.ensureBuilt(x, 'call');
    const outs = this.forwardOutputs(x, training, null).outputs;
    return outs.length === 1 ? outs[0] : packOutputs(outs);
  }

  /**
   * The model on one batch (training switches dropout / batch statistics): x as a tensor, an array in input order
   * or an object keyed by input name; one tensor for a model of one output, else one per output.
   */
  call(x: Tensor | Tensor[] | Record<string, Tensor>, training = false): Tensor | Tensor[] {
    this.alive('call');
    const graph = this.requireGraph('call');
    const outs = runGraph(graph, callInputs(this.name, graph, this.inputNames, x), training, null).outputs;
    return outs.length === 1 ? outs[0] : outs;
  }

  /**
   * Applied to symbolic tensors: the model used as a layer of another model (its weights shared with this one);
   * returns its symbolic output (an array for several outputs). Applied to tensors: `call`.
   */
  apply(x: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], training = false): SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[] {
    const list = Array.isArray(x) ? x : [x];
    if (list.some((t) => isSymbolic(t))) {
      const outs = this.asLayer().connect(list as SymbolicTensor[]);
      return outs.length === 1 ? outs[0] : outs;
    }
    return this.call(x as Tensor | Tensor[], training);
  }

  /** @internal The layer that stands for this model inside other models (one per model). */
  asLayer(): ModelLayer {
    this.alive('apply');
    if (!this.layerView) this.layerView = new ModelLayer(this);
    return this.layerView;
  }

  /**
   * Trains the model (see `FitOptions`); x and y as described on the class. `fit(dataset, options)` trains on the
   * batches of a `my.data.Dataset` (elements `{ xs, ys }` or `[xs, ys]`, xs and ys as x and y here; see
   * `FitDatasetOptions`: stepsPerEpoch, validationData as a dataset, validationSteps, validationFreq).
   */
  fit(x: ModelData, y: ModelData, options?: FitOptions): Promise<History>;
  fit(dataset: Dataset, options?: FitDatasetOptions): Promise<History>;
  fit(x: ModelData | Dataset, y?: ModelData | FitDatasetOptions, options: FitOptions = {}): Promise<History> {
    if (this.isDisposed) return Promise.reject(new DisposedError(`fit: the model ${this.name} was disposed; load or build a new one`));
    return fitData(this, x, y, options);
  }

  /** tfjs's name of `fit(dataset, options)`. */
  fitDataset(dataset: Dataset, options: FitDatasetOptions = {}): Promise<History> {
    return this.fit(dataset, options);
  }

  /**
   * The loss (with penalties) and metrics over (x, y) in inference mode: a number, or [loss, ...metrics]; with
   * `returnDict: true`, `{ loss, [metricName]: value }`.
   */
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions & { returnDict: true }): Record<string, number>;
  evaluate(x: ModelData, y: ModelData, options?: EvaluateOptions): number | number[];
  /** The loss and metrics over the batches of a Dataset (at most `options.steps` of them), resolved when read. */
  evaluate(dataset: Dataset, options: DatasetEvaluateOptions & { returnDict: true }): Promise<Record<string, number>>;
  evaluate(dataset: Dataset, options?: DatasetEvaluateOptions): Promise<number | number[]>;
  evaluate(x: ModelData | Dataset, y?: ModelData | DatasetEvaluateOptions, options: EvaluateOptions = {}): EvaluateResult | Promise<EvaluateResult> {
    this.alive('evaluate');
    return evaluateData(this, x, y, options);
  }

  /** The outputs for x (inference mode) in batches of `batchSize` (default 32): a tensor, or one per output. */
  predict(x: ModelData, options?: PredictOptions): Tensor | Tensor[];
  /** The outputs of every batch of a Dataset (at most `options.steps`), concatenated: a tensor, or one per output. */
  predict(dataset: Dataset, options?: DatasetInferenceOptions): Promise<Tensor | Tensor[]>;
  predict(x: ModelData | Dataset, options: PredictOptions | DatasetInferenceOptions = {}): Tensor | Tensor[] | Promise<Tensor | Tensor[]> {
    this.alive('predict');
    return predictData(this, x, options);
  }

  /** `predict` without blocking the event loop (see `Sequential.predictAsync`). */
  async predictAsync(x: ModelData, options: AsyncInferenceOptions = {}): Promise<Tensor | Tensor[]> {
    this.alive('predictAsync');
    return predictDataAsync(this, x, options);
  }

  /** `evaluate` without blocking the event loop; the same loss and metrics. */
  evaluateAsync(x: ModelData, y: ModelData, options: AsyncEvaluateOptions & { returnDict: true }): Promise<Record<string, number>>;
  evaluateAsync(x: ModelData, y: ModelData, options?: AsyncEvaluateOptions): Promise<number | number[]>;
  async evaluateAsync(x: ModelData, y: ModelData, options: AsyncEvaluateOptions = {}): Promise<EvaluateResult> {
    this.alive('evaluateAsync');
    return evaluateDataAsync(this, x, y, options);
  }

  /** Prints a table of the layers (name and class, output shape, parameters, the layers each is connected to). */
  summary(printFn: (line: string) => void = console.log): void {
    this.alive('summary');
    for (const line of summarizeGraph(this, this.requireGraph('summary'))) printFn(line);
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
    setModelWeights(this.layers, this.weights, ws);
  }

  /**
   * The architecture (no weights) as Keras's functional config: layers with their inbound nodes, input and output
   * references (lib/models/graph-config.ts). `Model.fromConfig` rebuilds it.
   */
  getConfig(): GraphModelConfig | SequentialConfig {
    this.alive('getConfig');
    return graphConfig(this.name, this.requireGraph('getConfig'));
  }

  /** A new, uncompiled model with the architecture of a functional (or Sequential) config (fresh weights). */
  static fromConfig(config: GraphModelConfig | SequentialConfig): Model {
    if (config !== null && typeof config === 'object' && !('inputLayers' in config) && 'inputShape' in config) {
      return (NESTED_MODELS.get('Sequential') as (c: Record<string, unknown>) => Model)(config as unknown as Record<string, unknown>);
    }
    const g = graphFromConfig(config as GraphModelConfig, nestedLayer);
    try {
      return new Functional({ inputs: g.inputs, outputs: g.outputs, name: typeof g.name === 'string' ? g.name : undefined });
    } catch (err) {
      if (err instanceof ModelFormatError) throw err;
      throw new ModelFormatError(`functional config: ${(err as Error).message}`);
    }
  }

  /** @internal Frees the layers and the optimizer. */
  protected override disposeNow(): void {
    super.disposeNow();
    for (const l of this.layers) l.dispose();
  }
}

/** The model `my.model` makes: a `Model` over the graph between the given inputs and outputs (Keras's `Functional`). */
export class Functional extends Model {}

/**
 * A graph model: `my.model({ inputs: [a, b], outputs: [y1, y2], name? })` (see `Model`).
 * @throws ValueError when an output does not depend on the inputs, an input is unused, two layers share a name, or
 *   inputs / outputs are not symbolic tensors.
 */
export function model(args: ModelArgs): Functional {
  return new Functional(args);
}

/** Model classes that can appear as layers of a functional config, by className ('Sequential' registers itself). */
export const NESTED_MODELS = new Map<string, (config: Record<string, unknown>) => Model>([['Functional', (c) => Model.fromConfig(c as unknown as GraphModelConfig)]]);

function nestedLayer(entry: { className: string; config: Record<string, unknown> }): LayerType | null {
  const make = NESTED_MODELS.get(entry.className);
  return make ? make(entry.config).asLayer() : null;
}
