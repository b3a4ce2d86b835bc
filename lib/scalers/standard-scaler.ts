/** StandardScaler: zero mean and unit variance per feature. */
import { ValueError, describe } from '../errors';
import type { Matrix } from '../data/matrix';
import { FeatureScaler, safeScale } from './scaler';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of {@link StandardScaler}. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
}

/**
 * Standardizes each feature j: `z = (x - mean_j) / std_j`, with the population standard deviation
 * `std_j = sqrt(mean((x_j - mean_j)^2))` (ddof 0, as sklearn). A constant feature gets scale 1 (no division
 * by zero), so it maps to 0. `mean` and `scale` are available after `fit`.
 */
/** The keys of StandardScalerOptions. */
const STANDARD_SCALER_KEYS = optionKeys<StandardScalerOptions>({ withMean: true, withStd: true });

export class StandardScaler extends FeatureScaler {
  readonly className = 'StandardScaler';
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Per-feature mean (zeros when withMean is false); null before fit. */
  mean: number[] | null = null;
  /** Per-feature standard deviation used as divisor (ones when withStd is false); null before fit. */
  scale: number[] | null = null;

  constructor(options: StandardScalerOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw new ValueError(`StandardScaler: options must be an object, got ${describe(options)}`);
    checkOptions('standardScaler', options, STANDARD_SCALER_KEYS);
    this.withMean = bool(options.withMean, 'withMean');
    this.withStd = bool(options.withStd, 'withStd');
  }

  protected fitStatistics(m: Matrix): void {
    const mean = new Float64Array(m.cols);
    const sq = new Float64Array(m.cols);
    for (let i = 0; i < m.data.length; i++) mean[i % m.cols] += m.data[i];
    for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
    for (let i = 0; i < m.data.length; i++) {
      const d = m.data[i] - mean[i % m.cols];
      sq[i % m.cols] += d * d;
    }
    const scale = new Float64Array(m.cols);
    for (let j = 0; j < m.cols; j++) scale[j] = this.withStd ? safeScale(Math.sqrt(sq[j] / m.rows), mean[j]) : 1;
    if (!this.withMean) mean.fill(0);
    this.setState({ mean: Array.from(mean), scale: Array.from(scale) });
  }

  getConfig(): Record<string, unknown> {
    return { withMean: this.withMean, withStd: this.withStd };
  }

  protected getState(): Record<string, number[]> {
    return { mean: this.mean!.slice(), scale: this.scale!.slice() };
  }

  protected setState(state: Record<string, number[]>): void {
    this.mean = state.mean.slice();
    this.scale = state.scale.slice();
    if (this.scale.some((s) => s === 0)) throw new ValueError('StandardScaler: scale values must be non-zero');
    this.offset = Float64Array.from(this.mean);
    this.factor = Float64Array.from(this.scale, (s) => 1 / s);
    this.shift = 0;
  }
}

function bool(v: unknown, name: string): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') throw new ValueError(`StandardScaler: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}
