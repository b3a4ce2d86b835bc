/** Resolving `compile` arguments into an optimizer, a loss (and its fused form) and metrics. */
import { ValueError, describe } from '../errors';
import { getLoss, type Loss, type LossFunction } from '../losses/loss';
import { getMetric } from '../metrics/index';
import type { Metric } from '../metrics/metric';
import { getOptimizer } from '../optimizers/index';
import type { Optimizer } from '../optimizers/optimizer';

/** Arguments of `model.compile`. */
export interface CompileArgs {
  /** An optimizer name ('sgd', 'adam', 'adamw', 'adagrad', 'rmsprop', Keras defaults) or instance. */
  optimizer: string | Optimizer | { className: string; config: Record<string, unknown> };
  /** A loss name, a Loss, or a function (yTrue, yPred) => per-sample or scalar loss. */
  loss: string | Loss | LossFunction | { name: string; config?: Record<string, unknown> };
  /** Metric names or instances ('accuracy' picks binary / categorical / sparse from the loss). */
  metrics?: (string | Metric)[];
}

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
  /** Serializable form (see `Sequential.compileConfig`). */
  config: { optimizer: { className: string; config: Record<string, unknown> }; loss: string | { name: string; config: Record<string, unknown> }; metrics: string[] };
}

/** The losses that take logits in place of each final activation. */
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
  if (args.optimizer === undefined) throw new ValueError('compile: optimizer is required (e.g. "adam")');
  if (args.loss === undefined) throw new ValueError('compile: loss is required (e.g. "meanSquaredError")');
  const metricIds = args.metrics ?? [];
  if (!Array.isArray(metricIds)) throw new ValueError(`compile: metrics must be an array of names or Metric objects, got ${describe(metricIds)}`);
  const optimizer = getOptimizer(args.optimizer);
  const loss = getLoss(args.loss);
  const metrics = metricIds.map((m) => getMetric(m, loss.name));
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name) || m.name === 'loss') throw new ValueError(`compile: metric name ${describe(m.name)} appears twice (or clashes with 'loss')`);
    names.add(m.name);
  }
  const logitsLoss = outputActivation !== null && FUSABLE[outputActivation].includes(loss.name) && !loss.fromLogits
    ? getLoss({ name: loss.name, config: { ...loss.getConfig(), fromLogits: true } })
    : null;
  const lossConfig = typeof args.loss === 'string' ? args.loss : { name: loss.name, config: loss.getConfig() };
  return {
    optimizer,
    loss,
    logitsLoss,
    outputActivation: logitsLoss ? outputActivation : null,
    metrics,
    config: {
      optimizer: { className: optimizer.className, config: optimizer.getConfig() },
      loss: lossConfig,
      metrics: metrics.map((m) => m.name),
    },
  };
}
