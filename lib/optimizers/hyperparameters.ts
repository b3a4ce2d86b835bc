/** The check of an optimizer's numeric hyper-parameters (learning rates, betas, epsilons, decays). */
import { ValueError, describe } from '../errors';

/**
 * `v` when it is a finite number in [min, max] (or [min, max) with `openMax`); otherwise throws a ValueError
 * naming `owner` and `arg`. Defaults: min 0, max Infinity.
 */
export function checkHyper(v: unknown, owner: string, arg: string, min = 0, max = Infinity, openMax = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (openMax ? v >= max : v > max)) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${openMax ? ')' : ']'}`;
    throw new ValueError(`${owner}: ${arg} must be a finite number ${range}, got ${describe(v)}`);
  }
  return v;
}
