/**
 * Strict options of the optimizers: the keys every optimizer takes (OptimizerOptions) and the check each
 * constructor runs on what it is given, so that `adam({ learning_rate: 0.01 })` fails with a hint instead of
 * training at the default rate.
 */
import { checkOptions, optionKeys } from '../options/strict';
import type { OptimizerOptions } from './optimizer';

/** The keys of {@link OptimizerOptions}: learning rate, weight decay, convention and the clipping options. */
export const OPTIMIZER_KEYS = optionKeys<OptimizerOptions>({
  learningRate: true, weightDecay: true, convention: true, clipNorm: true, globalClipNorm: true, clipValue: true,
});

/**
 * `options` unchanged once every key is one of OPTIMIZER_KEYS or `own`; else a ValueError naming `owner`, the key
 * and the closest valid one (`adam: unknown option 'learning_rate'; did you mean 'learningRate'?`). Called in the
 * argument list of `super(...)`, so the check runs before any value is read.
 */
export function strictOptimizerOptions<T>(owner: string, options: T, own: readonly string[]): T {
  checkOptions(owner, options, [...OPTIMIZER_KEYS, ...own]);
  return options;
}
