/** Gradient clipping as Keras' optimizers do it (clipvalue, clipnorm, global_clipnorm), written in ops. */
import { div, maximum, mul } from '../ops/binary';
import { sum } from '../ops/reduce';
import { clipAbs, sqrt, square } from '../ops/unary';
import { add } from '../ops/binary';
import type { Tensor } from '../tensor/tensor';
import { ValueError, describe } from '../errors';

/** Clipping options of every optimizer (each > 0 when given). */
export interface ClipOptions {
  /** Each gradient rescaled to an L2 norm of at most this: g * clipNorm / max(||g||, clipNorm) (Keras `clipnorm`). */
  clipNorm?: number;
  /** All gradients rescaled together: g * c / max(sqrt(sum_i ||g_i||^2), c) (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Each element clipped to [-clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
}

/** The clipping options found in `options`, each checked to be a finite number > 0 (ValueError naming `owner` otherwise). */
export function checkClipOptions(options: ClipOptions, owner: string): ClipOptions {
  const clip: ClipOptions = {};
  for (const key of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
    const v = options[key] as unknown;
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${owner}: ${key} must be a finite number > 0, got ${describe(v)}`);
    clip[key] = v;
  }
  return clip;
}

/** The L2 norm of a tensor as a scalar tensor. */
function l2(g: Tensor): Tensor {
  return sqrt(sum(square(g)));
}

/**
 * Applies clipValue, then clipNorm, then globalClipNorm. Returns new tensors (or the inputs when no
 * option is set); call inside `tidy`. Everything stays on the backend (no host read).
 */
export function clipGradients(grads: Tensor[], opts: ClipOptions): Tensor[] {
  let out = grads;
  if (opts.clipValue !== undefined) {
    const c = opts.clipValue;
    out = out.map((g) => clipAbs(g, c));
  }
  if (opts.clipNorm !== undefined) {
    const c = opts.clipNorm;
    out = out.map((g) => mul(g, div(c, maximum(l2(g), c))));
  }
  if (opts.globalClipNorm !== undefined && out.length > 0) {
    const c = opts.globalClipNorm;
    let sq = sum(square(out[0]));
    for (let i = 1; i < out.length; i++) sq = add(sq, sum(square(out[i])));
    const factor = div(c, maximum(sqrt(sq), c));
    out = out.map((g) => mul(g, factor));
  }
  return out;
}
