/** Variance-scaling initializers (Glorot, He, LeCun) with Keras formulas. */
import * as creation from '../ops/creation';
import type { Initializer } from './initializer';
import { initOptions, initShape, seedOption } from './basic';

/** stddev of a standard normal truncated to [-2, 2]; dividing by it restores the wanted variance (Keras). */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/**
 * Keras fans: rank 0 -> (1, 1); rank 1 -> (n, n); rank 2 [in, out] -> (in, out); rank r > 2 (conv
 * kernels [..., in, out]) -> (in * receptive, out * receptive), receptive = product of the leading dims.
 */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

type Mode = 'fanIn' | 'fanAvg';

function scaling(className: string, owner: string, scale: number, mode: Mode, distribution: 'uniform' | 'normal',
  options?: { seed?: number }): Initializer {
  const o = initOptions(owner, options);
  const seed = seedOption(owner, o.seed);
  return {
    className,
    init(shape) {
      const s = initShape(owner, shape);
      const { fanIn, fanOut } = computeFans(s);
      const n = Math.max(1, mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2);
      if (distribution === 'uniform') {
        const limit = Math.sqrt((3 * scale) / n);
        return creation.randomUniform(s, { minval: -limit, maxval: limit, seed });
      }
      const stddev = Math.sqrt(scale / n) / TRUNCATED_NORMAL_STDDEV;
      return creation.truncatedNormal(s, { mean: 0, stddev, seed });
    },
    getConfig: () => ({ seed: seed ?? null }),
  };
}

/** Glorot (Xavier) uniform: U[-limit, limit], limit = sqrt(6 / (fanIn + fanOut)). Default for kernels. */
export function glorotUniform(options?: { seed?: number }): Initializer {
  return scaling('GlorotUniform', 'glorotUniform', 1, 'fanAvg', 'uniform', options);
}

/** Glorot normal: truncated normal (at 2 stddev), stddev = sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978. */
export function glorotNormal(options?: { seed?: number }): Initializer {
  return scaling('GlorotNormal', 'glorotNormal', 1, 'fanAvg', 'normal', options);
}

/** He uniform: U[-limit, limit], limit = sqrt(6 / fanIn). */
export function heUniform(options?: { seed?: number }): Initializer {
  return scaling('HeUniform', 'heUniform', 2, 'fanIn', 'uniform', options);
}

/** He normal: truncated normal, stddev = sqrt(2 / fanIn) / 0.87962566103423978. */
export function heNormal(options?: { seed?: number }): Initializer {
  return scaling('HeNormal', 'heNormal', 2, 'fanIn', 'normal', options);
}

/** LeCun normal: truncated normal, stddev = sqrt(1 / fanIn) / 0.87962566103423978. */
export function lecunNormal(options?: { seed?: number }): Initializer {
  return scaling('LecunNormal', 'lecunNormal', 1, 'fanIn', 'normal', options);
}

/** LeCun uniform: U[-limit, limit], limit = sqrt(3 / fanIn). */
export function lecunUniform(options?: { seed?: number }): Initializer {
  return scaling('LecunUniform', 'lecunUniform', 1, 'fanIn', 'uniform', options);
}
