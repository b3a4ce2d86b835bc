/** The ZeroPadding2D layer: rows and columns of zeros around images, channels last. */
import { ShapeError, ValueError, describe } from '../errors';
import { pad } from '../ops/pad';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `zeroPadding2d()`. */
export interface ZeroPadding2DArgs extends LayerArgs {
  /**
   * n: n rows above and below and n columns left and right; [h, w]: h rows above and below, w columns each side;
   * [[top, bottom], [left, right]]: each side on its own. Non-negative integers. Default 1.
   */
  padding?: number | [number, number] | [[number, number], [number, number]];
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** The padding as [[top, bottom], [left, right]], or a ValueError naming `what`. */
function normalizePadding(p: unknown, what: string): [[number, number], [number, number]] {
  if (isCount(p)) return [[p, p], [p, p]];
  if (Array.isArray(p) && p.length === 2 && isCount(p[0]) && isCount(p[1])) return [[p[0], p[0]], [p[1], p[1]]];
  if (Array.isArray(p) && p.length === 2 && p.every((q) => Array.isArray(q) && q.length === 2 && q.every(isCount))) {
    return [[p[0][0], p[0][1]], [p[1][0], p[1][1]]];
  }
  throw new ValueError(`${what}: padding must be a non-negative integer, [rows, columns] or [[top, bottom], [left, right]], got ${describe(p)}`);
}

/**
 * [batch, h, w, c] -> [batch, top + h + bottom, left + w + right, c] with zeros in the border (Keras's ZeroPadding2D,
 * PyTorch's F.pad). No weights; the gradient is the inner block of dy.
 */
export class ZeroPadding2D extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<ZeroPadding2DArgs, keyof LayerArgs>>({ padding: true });
  readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: [[number, number], [number, number]];

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args, 'ZeroPadding2D');
    this.padding = normalizePadding(args.padding ?? 1, this.name);
  }

  call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    return pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) throw new ShapeError(`${this.name}: expected samples of rank 3 [height, width, channels], got [${inputShape.join(', ')}]`);
    const [[t, b], [l, r]] = this.padding;
    return [t + inputShape[0] + b, l + inputShape[1] + r, inputShape[2]];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === ZeroPadding2D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => p.slice()) };
  }
}

/** A `ZeroPadding2D` layer: `zeroPadding2d({ padding: [[1, 2], [0, 1]] })`; default 1 on every side. */
export function zeroPadding2d(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  if (args === null || typeof args !== 'object') throw new ValueError(`zeroPadding2d: options must be an object, got ${describe(args)}`);
  return new ZeroPadding2D(args);
}
