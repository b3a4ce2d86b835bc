/** Resolving `compile` arguments into an optimizer, a loss (and its fused form) and metrics. */
import { ValueError, describe } from '../errors';
import { getLoss, type Loss, type LossFunction } from '../losses/loss';
import { getMetric } from '../metrics/index';
import type { Metric } from '../metrics/metric';
import type { MetricFunction } from '../metrics/function-metric';

/** One metric as `compile` takes it: a name, a Metric or a function (yTrue, yPred) => Tensor. */
export type MetricId = string | Metric | MetricFunction;
import { getOptimizer } from '../optimizers/index';
import type { Optimizer } from '../optimizers/optimizer';
import { isOneLoss, perOutput, resolveHeadMetrics, resolveHeads, type Head, type OutputInfo } from './heads';
import { checkOptions, optionKeys } from '../options/strict';

/** Arguments of `model.compile`. */
export interface CompileArgs {
  /**
   * Models with several outputs: the weight of each output's loss in the total (an array in output order or an
   * object keyed by output name; default 1 each).
   */
  lossWeights?: number[] | Record<string, number>;
  /** An optimizer name ('sgd', 'adam', 'adamw', 'adagrad', 'rmsprop', Keras defaults) or instance. */
  optimizer: string | Optimizer | { className: string; config: Record<string, unknown> };
  /**
   * A loss name, a Loss, or a function (yTrue, yPred) => per-sample or scalar loss. Models with several outputs:
   * one for all, an array in output order, or an object keyed by output name.
   */
  loss: LossId | LossId[] | Record<string, LossId>;
  /**
   * Metric names, instances or functions `(yTrue, yPred) => Tensor` (the mean of their values, named after the
   * function) ('accuracy' picks binary / categorical / sparse from the loss). Models with several
   * outputs: an array applies to every output (logged as `<output>_<metric>`); an object keyed by output name
   * gives each output its own.
   */
  metrics?: MetricId[] | Record<string, MetricId | MetricId[]>;
}

/** One loss as `compile` takes it. */
export type LossId = string | Loss | LossFunction | { name: string; config?: Record<string, unknown> };

/** The serializable form of one loss. */
export type LossConfig = string | { name: string; config: Record<string, unknown> };

/** What the model keeps after compile. */
export interface Compiled {
  optimizer: Optimizer;
  /** The loss as given. */
  loss: Loss;
  /** The same loss from logits, used when the last layer's softmax is fused into it; else null. */
  logitsLoss: Loss | null;
  /** The activation left out of the model's output when `logitsLoss` is used. */
  outputActivation: 'softmax' | 'sigmoid' | null;
  metrics: Metric[];
  /** Models with several outputs (or loss weights): each output's loss, in output order; null otherwise. */
  heads: Head[] | null;
  /** Serializable form (see `Sequential.compileConfig`). */
  config: {
    optimizer: { className: string; config: Record<string, unknown> };
    loss: LossConfig | Record<string, LossConfig>;
    metrics: string[] | Record<string, string[]>;
    lossWeights?: Record<string, number>;
  };
}

/** The losses that take logits in place of each final activation. */
/** The keys of CompileArgs. */
const COMPILE_KEYS = optionKeys<CompileArgs>({ optimizer: true, loss: true, metrics: true, lossWeights: true });

const FUSABLE: Record<'softmax' | 'sigmoid', string[]> = {
  softmax: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
  sigmoid: ['binaryCrossentropy'],
};

/**
 * Validates and resolves compile arguments. `outputActivation`: the model's final softmax or sigmoid that
 * a matching cross-entropy can take as logits (null when there is none).
 */
export function resolveCompile(args: CompileArgs, outputActivation: 'softmax' | 'sigmoid' | null): Compiled {
  if (args === null || typeof args !== 'object') throw new ValueError(`compile: expected { optimizer, loss, metrics? }, got ${describe(args)}`);
  checkOptions('compile', args, COMPILE_KEYS);
  if (args.optimizer === undefined) throw new ValueError('compile: optimizer is required (e.g. "adam")');
  if (args.loss === undefined) throw new ValueError('compile: loss is required (e.g. "meanSquaredError")');
  const metricIds = args.metrics ?? [];
  if (!Array.isArray(metricIds)) throw new ValueError(`compile: metrics must be an array of names or Metric objects, got ${describe(metricIds)}`);
  const optimizer = getOptimizer(args.optimizer);
  const loss = getLoss(args.loss as LossId);
  const metrics = (metricIds as MetricId[]).map((m) => getMetric(m, loss.name));
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name) || m.name === 'loss') throw new ValueError(`compile: metric name ${describe(m.name)} appears twice (or clashes with 'loss')`);
    names.add(m.name);
  }
  const logitsLoss = outputActivation !== null && FUSABLE[outputActivation].includes(loss.name) && !loss.fromLogits
    ? getLoss({ name: loss.name, config: { ...loss.getConfig(), fromLogits: true } })
    : null;
  const lossConfig = lossConfigOf(args.loss as LossId, loss);
  return {
    optimizer,
    loss,
    logitsLoss,
    outputActivation: logitsLoss ? outputActivation : null,
    metrics,
    heads: null,
    config: {
      optimizer: { className: optimizer.className, config: optimizer.getConfig() },
      loss: lossConfig,
      metrics: metrics.map((m) => m.name),
    },
  };
}

function lossConfigOf(id: LossId, loss: Loss): LossConfig {
  return typeof id === 'string' ? id : { name: loss.name, config: loss.getConfig() };
}

/**
 * `compile` of a graph model. One output without loss weights resolves as `resolveCompile` (an object keyed by the
 * output's name is unwrapped); otherwise each output gets its own loss, weight and metrics (lib/models/heads.ts).
 */
export function resolveModelCompile(args: CompileArgs, outputs: OutputInfo[]): Compiled {
  if (args === null || typeof args !== 'object') throw new ValueError(`compile: expected { optimizer, loss, metrics? }, got ${describe(args)}`);
  checkOptions('compile', args, COMPILE_KEYS);
  if (args.optimizer === undefined) throw new ValueError('compile: optimizer is required (e.g. "adam")');
  if (args.loss === undefined) throw new ValueError('compile: loss is required (e.g. "meanSquaredError")');
  if (outputs.length === 1 && args.lossWeights === undefined) {
    const loss = perOutput<LossId>(args.loss, outputs, 'loss', undefined, isOneLoss)[0];
    const m = args.metrics;
    const metrics = m !== undefined && m !== null && !Array.isArray(m) && typeof m === 'object'
      ? perOutput<unknown>(m, outputs, 'metrics', [], () => false)[0] : m;
    return resolveCompile({ optimizer: args.optimizer, loss, metrics: (Array.isArray(metrics) ? metrics : metrics === undefined ? undefined : [metrics]) as (string | Metric)[] | undefined }, outputs[0].activation);
  }
  const heads = resolveHeads(args, outputs);
  const optimizer = getOptimizer(args.optimizer);
  const { metrics, config: metricConfig } = resolveHeadMetrics(args.metrics, heads);
  const ids = perOutput<LossId>(args.loss, outputs, 'loss', undefined, isOneLoss);
  const lossConfig: Record<string, LossConfig> = {};
  const lossWeights: Record<string, number> = {};
  heads.forEach((h, k) => { lossConfig[h.name] = lossConfigOf(ids[k], h.loss); lossWeights[h.name] = h.weight; });
  return {
    optimizer,
    loss: heads[0].loss,
    logitsLoss: null,
    outputActivation: null,
    metrics,
    heads,
    config: { optimizer: { className: optimizer.className, config: optimizer.getConfig() }, loss: lossConfig, metrics: metricConfig, lossWeights },
  };
}
