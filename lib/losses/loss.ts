/**
 * The Loss contract and `getLoss`, which turns a name, a Loss or a user function into a Loss.
 */
import { ownValue } from '../own-value';
import { ShapeError, ValueError, describe } from '../errors';
import { reshape } from '../ops/reshape';
import { Tensor } from '../tensor/tensor';
import { binaryCrossentropy } from './binary-crossentropy';
import { categoricalCrossentropy, sparseCategoricalCrossentropy } from './categorical-crossentropy';
import { hinge, squaredHinge } from './hinge';
import { klDivergence, poisson } from './probabilistic';
import { huber, meanAbsoluteError, meanSquaredError } from './regression';
import { cosineSimilarity, logCosh } from './similarity';

/** A loss function with Keras semantics. */
export interface Loss {
  /** The canonical name ('meanSquaredError', 'binaryCrossentropy', ... or a user function's name). */
  readonly name: string;
  /** Whether yPred holds logits rather than probabilities. */
  readonly fromLogits: boolean;
  /** Per-sample loss, shape [batch] (the shape of yPred without its last axis when yPred has rank >= 2). */
  perSample(yTrue: Tensor, yPred: Tensor): Tensor;
  /**
   * Optional: mean_i perSample(yTrue, yPred)_i as a scalar, the same value and gradient up to float rounding in
   * fewer kernels (the built-in cross-entropies from logits fold the mean into their fused op). Training without
   * sample weights uses it when present.
   */
  batchMean?(yTrue: Tensor, yPred: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

/** A user loss: returns per-sample values ([batch]) or a scalar. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

const FACTORIES: Record<string, () => Loss> = {
  meanSquaredError: () => meanSquaredError(),
  mse: () => meanSquaredError(),
  meanAbsoluteError: () => meanAbsoluteError(),
  mae: () => meanAbsoluteError(),
  huber: () => huber(),
  binaryCrossentropy: () => binaryCrossentropy(),
  categoricalCrossentropy: () => categoricalCrossentropy(),
  sparseCategoricalCrossentropy: () => sparseCategoricalCrossentropy(),
  klDivergence: () => klDivergence(),
  kld: () => klDivergence(),
  kullbackLeiblerDivergence: () => klDivergence(),
  hinge: () => hinge(),
  squaredHinge: () => squaredHinge(),
  poisson: () => poisson(),
  cosineSimilarity: () => cosineSimilarity(),
  logCosh: () => logCosh(),
  logcosh: () => logCosh(),
};

const CLASS_NAMES: Record<string, (cfg: Record<string, unknown>) => Loss> = {
  meanSquaredError: () => meanSquaredError(),
  meanAbsoluteError: () => meanAbsoluteError(),
  huber: (c) => huber(c as never),
  binaryCrossentropy: (c) => binaryCrossentropy(c as never),
  categoricalCrossentropy: (c) => categoricalCrossentropy(c as never),
  sparseCategoricalCrossentropy: (c) => sparseCategoricalCrossentropy(c as never),
  klDivergence: () => klDivergence(),
  hinge: () => hinge(),
  squaredHinge: () => squaredHinge(),
  poisson: () => poisson(),
  cosineSimilarity: () => cosineSimilarity(),
  logCosh: () => logCosh(),
};

function isLoss(x: unknown): x is Loss {
  return x !== null && typeof x === 'object' && typeof (x as Loss).perSample === 'function' && typeof (x as Loss).name === 'string';
}

/**
 * A Loss from a name ('meanSquaredError'/'mse', 'meanAbsoluteError'/'mae', 'huber', 'binaryCrossentropy',
 * 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'klDivergence'/'kld', 'hinge', 'squaredHinge',
 * 'poisson', 'cosineSimilarity', 'logCosh', with default options), a `{ name, config }`
 * produced by a loss's name and `getConfig()`, a Loss (returned as is), or a function
 * `(yTrue, yPred) => Tensor` returning per-sample ([batch]) or scalar values.
 */
export function getLoss(id: string | Loss | LossFunction | { name: string; config?: Record<string, unknown> }): Loss {
  if (typeof id === 'string') {
    const make = ownValue(FACTORIES, id);
    if (!make) throw new ValueError(`getLoss: id must be one of ${Object.keys(FACTORIES).join(', ')}, a Loss or a function, got ${describe(id)}`);
    return make();
  }
  if (isLoss(id)) return id;
  if (typeof id === 'function') return userLoss(id);
  if (id !== null && typeof id === 'object' && typeof (id as { name?: unknown }).name === 'string') {
    const spec = id as { name: string; config?: Record<string, unknown> };
    const make = ownValue(CLASS_NAMES, spec.name);
    if (!make) throw new ValueError(`getLoss: name must be one of ${Object.keys(CLASS_NAMES).join(', ')}, got ${describe(spec.name)}`);
    return make(spec.config ?? {});
  }
  throw new ValueError(`getLoss: id must be a loss name, a Loss or a function, got ${describe(id)}`);
}

function userLoss(fn: LossFunction): Loss {
  const name = fn.name || 'customLoss';
  return {
    name,
    fromLogits: false,
    perSample(yTrue: Tensor, yPred: Tensor): Tensor {
      const out = fn(yTrue, yPred);
      if (!(out instanceof Tensor)) throw new ValueError(`loss ${name}: the function must return a Tensor, got ${describe(out)}`);
      const batch = yPred.rank > 0 ? yPred.shape[0] : 1;
      if (out.rank === 0) return out;
      if (out.size === batch) return out.rank === 1 ? out : reshape(out, [batch]);
      throw new ShapeError(`loss ${name}: the function must return a scalar or ${batch} per-sample values, got shape [${out.shape.join(', ')}]`);
    },
    getConfig: () => ({}),
  };
}
