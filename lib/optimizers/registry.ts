/** `getOptimizer`: an optimizer from a name, a config or an instance. */
import { ownValue } from '../own-value';
import { ValueError, describe } from '../errors';
import { adagrad } from './adagrad';
import { adam } from './adam';
import { adamw } from './adamw';
import { Optimizer } from './optimizer';
import { rmsprop } from './rmsprop';
import { sgd } from './sgd';
import { lossScaleOptimizer } from './loss-scale-optimizer';

const FACTORIES: Record<string, (cfg: Record<string, unknown>) => Optimizer> = {
  sgd: (c) => sgd(c as never),
  adam: (c) => adam(c as never),
  adamw: (c) => adamw(c as never),
  adagrad: (c) => adagrad(c as never),
  rmsprop: (c) => rmsprop(c as never),
  lossscaleoptimizer: (c) => {
    const { innerOptimizer, ...options } = c;
    return lossScaleOptimizer(getOptimizer(innerOptimizer as never), options as never);
  },
};

/**
 * An optimizer from a name ('sgd', 'adam', 'adamw', 'adagrad', 'rmsprop', Keras defaults; case-insensitive),
 * a `{ className, config }` as produced by `{ className: o.className, config: o.getConfig() }`, or an
 * Optimizer (returned as is).
 */
export function getOptimizer(id: string | Optimizer | { className: string; config: Record<string, unknown> }): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') {
    const make = ownValue(FACTORIES, id.toLowerCase());
    if (!make) throw new ValueError(`getOptimizer: id must be one of ${Object.keys(FACTORIES).join(', ')}, got ${describe(id)}`);
    return make({});
  }
  if (id !== null && typeof id === 'object' && typeof (id as { className?: unknown }).className === 'string') {
    const make = ownValue(FACTORIES, id.className.toLowerCase());
    if (!make) throw new ValueError(`getOptimizer: className must be one of SGD, Adam, AdamW, Adagrad, RMSprop, LossScaleOptimizer, got ${describe(id.className)}`);
    const cfg = id.config ?? {};
    if (cfg === null || typeof cfg !== 'object') throw new ValueError(`getOptimizer: config must be an object, got ${describe(cfg)}`);
    return make(cfg);
  }
  throw new ValueError(`getOptimizer: id must be an optimizer name, an Optimizer or { className, config }, got ${describe(id)}`);
}
