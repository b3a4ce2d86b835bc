/** MinMaxScaler: each feature mapped linearly onto a range. */
import { ValueError, describe } from '../errors';
import type { Matrix } from '../data/matrix';
import { FeatureScaler, safeScale } from './scaler';
import { checkOptions, optionKeys } from '../options/strict';

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target range [lo, hi] with lo < hi (default [0, 1]). */
  featureRange?: [number, number];
}

/**
 * Scales each feature j onto `featureRange = [lo, hi]`:
 * `y = (x - dataMin_j) / (dataMax_j - dataMin_j) * (hi - lo) + lo`. A constant feature gets range 1
 * (no division by zero), so it maps to `lo`, as sklearn does. `dataMin` and `dataMax` are available after `fit`.
 */
/** The keys of MinMaxScalerOptions. */
const MIN_MAX_SCALER_KEYS = optionKeys<MinMaxScalerOptions>({ featureRange: true });

export class MinMaxScaler extends FeatureScaler {
  readonly className = 'MinMaxScaler';
  readonly featureRange: [number, number];
  /** Per-feature minimum seen by fit; null before. */
  dataMin: number[] | null = null;
  /** Per-feature maximum seen by fit; null before. */
  dataMax: number[] | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw new ValueError(`MinMaxScaler: options must be an object, got ${describe(options)}`);
    checkOptions('minMaxScaler', options, MIN_MAX_SCALER_KEYS);
    const r = options.featureRange ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[0] < r[1])) {
      throw new ValueError(`MinMaxScaler: featureRange must be [lo, hi] with finite lo < hi, got ${Array.isArray(r) ? `[${r.map(describe).join(', ')}]` : describe(r)}`);
    }
    this.featureRange = [r[0], r[1]];
  }

  protected fitStatistics(m: Matrix): void {
    const lo = new Float64Array(m.cols).fill(Infinity);
    const hi = new Float64Array(m.cols).fill(-Infinity);
    for (let i = 0; i < m.data.length; i++) {
      const j = i % m.cols;
      const v = m.data[i];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
    this.setState({ dataMin: Array.from(lo), dataMax: Array.from(hi) });
  }

  getConfig(): Record<string, unknown> {
    return { featureRange: this.featureRange.slice() };
  }

  protected getState(): Record<string, number[]> {
    return { dataMin: this.dataMin!.slice(), dataMax: this.dataMax!.slice() };
  }

  protected setState(state: Record<string, number[]>): void {
    this.dataMin = state.dataMin.slice();
    this.dataMax = state.dataMax.slice();
    const [a, b] = this.featureRange;
    this.offset = Float64Array.from(this.dataMin);
    this.factor = Float64Array.from(this.dataMin, (mn, j) => (b - a) / safeScale(this.dataMax![j] - mn, mn));
    this.shift = a;
  }
}
