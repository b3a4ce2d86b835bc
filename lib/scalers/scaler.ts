/** The shared machinery of the per-feature affine scalers (StandardScaler, MinMaxScaler). */
import { tensor } from '../ops/creation';
import { ShapeError, ValueError, describe } from '../errors';
import { checkNoNaN, toMatrix, type Matrix, type MatrixLike } from '../data/matrix';
import type { Tensor } from '../tensor/tensor';

/** The serialized form of a fitted (or unfitted) scaler, as `toJSON()` writes it. */
export interface ScalerJSON {
  className: string;
  config: Record<string, unknown>;
  /** Per-feature parameters; null when the scaler was never fitted. */
  state: Record<string, number[]> | null;
}

/**
 * A scaler that maps every feature j by an affine function fitted on training data:
 * `transform(x)[i][j] = (x[i][j] - offset[j]) * factor[j] + shift`, with `inverseTransform` undoing it.
 * Subclasses compute the per-feature statistics in `fitStatistics`.
 */
export abstract class FeatureScaler {
  /** 'StandardScaler' or 'MinMaxScaler'. */
  abstract readonly className: string;
  /** Number of features seen by `fit` (0 before). */
  nFeatures = 0;
  /** @internal per-feature subtrahend */
  protected offset: Float64Array | null = null;
  /** @internal per-feature multiplier */
  protected factor: Float64Array | null = null;
  /** @internal added after scaling (featureRange[0] for MinMaxScaler, 0 otherwise). */
  protected shift = 0;

  /** @internal Computes offset and factor from a NaN-free matrix. */
  protected abstract fitStatistics(m: Matrix): void;

  /** The constructor options, for `toJSON`. */
  abstract getConfig(): Record<string, unknown>;
  /** @internal The fitted statistics, for `toJSON`. */
  protected abstract getState(): Record<string, number[]>;
  /** @internal Restores the statistics written by `getState`. */
  protected abstract setState(state: Record<string, number[]>): void;

  /** True once `fit` (or `fromJSON` with a state) ran. */
  get fitted(): boolean {
    return this.offset !== null;
  }

  /**
   * Learns the per-feature statistics of `x` ([samples, features]; a vector is one feature).
   * @throws ValueError on NaN (naming row and column) or an empty input.
   */
  fit(x: MatrixLike): this {
    const m = this.read(x, 'fit');
    if (m.rows === 0) throw new ValueError(`${this.className}.fit: x must have at least one row, got shape [${m.shape.join(', ')}]`);
    this.nFeatures = m.cols;
    this.fitStatistics(m);
    return this;
  }

  /** Scales `x` with the fitted statistics; returns a new float32 Tensor shaped like `x`. */
  transform(x: MatrixLike): Tensor {
    const m = this.readFitted(x, 'transform');
    const out = new Float32Array(m.data.length);
    const { offset, factor, shift } = { offset: this.offset!, factor: this.factor!, shift: this.shift };
    for (let i = 0; i < m.data.length; i++) {
      const j = i % m.cols;
      out[i] = (m.data[i] - offset[j]) * factor[j] + shift;
    }
    return tensor(out, m.shape);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: MatrixLike): Tensor {
    return this.fit(x).transform(x);
  }

  /** Maps scaled values back to the original units: `(y - shift) / factor + offset`. */
  inverseTransform(y: MatrixLike): Tensor {
    const m = this.readFitted(y, 'inverseTransform');
    const out = new Float32Array(m.data.length);
    for (let i = 0; i < m.data.length; i++) {
      const j = i % m.cols;
      out[i] = (m.data[i] - this.shift) / this.factor![j] + this.offset![j];
    }
    return tensor(out, m.shape);
  }

  /** A plain object that `fromJSON` (of the scalers index) turns back into an equal scaler. */
  toJSON(): ScalerJSON {
    return { className: this.className, config: this.getConfig(), state: this.fitted ? this.getState() : null };
  }

  /** @internal Restores a state read from JSON, validating lengths and values. */
  loadState(state: unknown, keys: string[]): void {
    if (state === null) return;
    if (typeof state !== 'object' || Array.isArray(state)) {
      throw new ValueError(`${this.className}.fromJSON: state must be an object or null, got ${describe(state)}`);
    }
    const s = state as Record<string, unknown>;
    let n = -1;
    const out: Record<string, number[]> = {};
    for (const k of keys) {
      const v = s[k];
      if (!Array.isArray(v) || v.some((e) => typeof e !== 'number' || !Number.isFinite(e))) {
        throw new ValueError(`${this.className}.fromJSON: state.${k} must be an array of finite numbers, got ${describe(v)}`);
      }
      if (n >= 0 && v.length !== n) throw new ValueError(`${this.className}.fromJSON: state.${k} has ${v.length} values, expected ${n}`);
      n = v.length;
      out[k] = v as number[];
    }
    this.nFeatures = n;
    this.setState(out);
  }

  private read(x: MatrixLike, method: string): Matrix {
    const what = `${this.className}.${method}: x`;
    const m = toMatrix(x, what);
    checkNoNaN(m, what);
    return m;
  }

  private readFitted(x: MatrixLike, method: string): Matrix {
    if (!this.fitted) throw new ValueError(`${this.className}.${method}: the scaler is not fitted; call fit(x) first`);
    const m = this.read(x, method);
    if (m.cols !== this.nFeatures) {
      throw new ShapeError(`${this.className}.${method}: x must have ${this.nFeatures} features (as in fit), got shape [${m.shape.join(', ')}]`);
    }
    return m;
  }
}

/** sklearn's `_handle_zeros_in_scale`: a scale below 10 * machine epsilon * |center| (or 0) becomes 1. */
export function safeScale(scale: number, reference: number): number {
  const eps = 2.220446049250313e-16;
  return scale < 10 * eps * Math.max(1, Math.abs(reference)) ? 1 : scale;
}
