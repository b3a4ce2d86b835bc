/** The UpSampling2D layer: nearest-neighbour enlargement of images, channels last. */
import type { Backend } from '../backend/backend';
import { getBackend } from '../backend/select';
import { ShapeError, ValueError, describe } from '../errors';
import { bilinearMatrix, resample2d, upSample2dNearest } from '../ops/up-sampling';
import { keep } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { optionKeys } from '../options/strict';

/** Options of `upSampling2d()`. */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factor for rows and columns: one positive integer for both or [rows, columns]. Default 2. */
  size?: number | [number, number];
  /**
   * 'nearest' (default): every pixel repeated into a size block; 'bilinear': linear interpolation along rows and
   * columns with half-pixel centres (tf.image.resize, PyTorch's align_corners=False).
   */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * [batch, h, w, c] -> [batch, h sizeH, w sizeW, c] (Keras's UpSampling2D): 'nearest' gives
 * y[b, i, j, c] = x[b, floor(i / sizeH), floor(j / sizeW), c] (PyTorch's F.interpolate(mode='nearest')); 'bilinear'
 * interpolates between the two nearest rows and columns at source position (i + 1/2) / sizeH - 1/2 (clamped at the
 * border; F.interpolate(mode='bilinear', align_corners=False)), as two GEMMs with interpolation matrices that the
 * layer makes once per input size and backend. No weights.
 */
export class UpSampling2D extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<UpSampling2DArgs, keyof LayerArgs>>({ size: true, interpolation: true });
  readonly className = 'UpSampling2D';
  /** [rows, columns] factors. */
  readonly size: [number, number];
  /** The interpolation. */
  readonly interpolation: 'nearest' | 'bilinear';
  /** Bilinear only: the row and column interpolation matrices for the last input size, on their backend. */
  private matrices: { h: number; w: number; rows: Tensor; cols: Tensor } | null = null;

  constructor(args: UpSampling2DArgs = {}) {
    super(args, 'UpSampling2D');
    const s = args.size ?? 2;
    const size = typeof s === 'number' ? [s, s] : s;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new ValueError(`${this.name}: size must be a positive integer or [rows, columns] of them, got ${describe(s)}`);
    }
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new ValueError(`${this.name}: interpolation must be 'nearest' or 'bilinear', got ${describe(args.interpolation)}`);
    }
    this.size = [size[0], size[1]];
    this.interpolation = interpolation;
  }

  call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape.slice(1));
    if (this.interpolation === 'nearest') return upSample2dNearest(x, this.size);
    const m = this.matricesFor(x);
    return resample2d(x, m.rows, m.cols);
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    // Made outside a training step, so a recorded step only reads them.
    if (this.interpolation === 'bilinear' && inputShape.length === 3) this.matricesFor({ h: inputShape[0], w: inputShape[1], backend: getBackend() });
  }

  /** The interpolation matrices for x's size on x's backend, made when they are not there yet. */
  private matricesFor(x: Tensor | { h: number; w: number; backend: Backend }): { rows: Tensor; cols: Tensor } {
    const [h, w] = x instanceof Tensor ? [x.shape[1], x.shape[2]] : [x.h, x.w];
    const m = this.matrices;
    if (m !== null && m.h === h && m.w === w && !m.rows.isDisposed && m.rows.backend === x.backend) return m;
    this.disposeMatrices();
    const make = (size: number, scale: number) => keep(new Tensor(x.backend, x.backend.upload(bilinearMatrix(size, scale)), [size * scale, size]));
    this.matrices = { h, w, rows: make(h, this.size[0]), cols: make(w, this.size[1]) };
    return this.matrices;
  }

  private disposeMatrices(): void {
    this.matrices?.rows.dispose();
    this.matrices?.cols.dispose();
    this.matrices = null;
  }

  /** Releases the interpolation matrices. */
  override dispose(): void {
    this.disposeMatrices();
    super.dispose();
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) throw new ShapeError(`${this.name}: expected samples of rank 3 [height, width, channels], got [${inputShape.join(', ')}]`);
    return [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
  }

  protected override deterministicCall(): boolean {
    return this.constructor === UpSampling2D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size.slice(), interpolation: this.interpolation };
  }
}

/** An `UpSampling2D` layer: `upSampling2d({ size: 2 })`. Defaults: size 2, 'nearest'. */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  if (args === null || typeof args !== 'object') throw new ValueError(`upSampling2d: options must be an object, got ${describe(args)}`);
  return new UpSampling2D(args);
}
