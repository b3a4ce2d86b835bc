/** Per-feature scalers with fit/transform/inverseTransform and a JSON round trip (the `my.scalers` namespace). */
import { ValueError, describe } from '../errors';
import { MinMaxScaler, type MinMaxScalerOptions } from './min-max-scaler';
import { StandardScaler, type StandardScalerOptions } from './standard-scaler';
import type { FeatureScaler, ScalerJSON } from './scaler';

export { StandardScaler, MinMaxScaler, type StandardScalerOptions, type MinMaxScalerOptions, type FeatureScaler, type ScalerJSON };

/** A new {@link StandardScaler}. Defaults: withMean true, withStd true. */
export function standardScaler(options: StandardScalerOptions = {}): StandardScaler {
  return new StandardScaler(options);
}

/** A new {@link MinMaxScaler}. Default featureRange [0, 1]. */
export function minMaxScaler(options: MinMaxScalerOptions = {}): MinMaxScaler {
  return new MinMaxScaler(options);
}

/**
 * Rebuilds a scaler from `scaler.toJSON()` (or its JSON string), fitted if it was.
 * @throws ValueError on an unknown className or a malformed state.
 */
export function fromJSON(json: ScalerJSON | string): StandardScaler | MinMaxScaler {
  const obj: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (obj === null || typeof obj !== 'object') throw new ValueError(`scalers.fromJSON: json must be an object, got ${describe(obj)}`);
  const { className, config, state } = obj as ScalerJSON;
  const cfg = (config ?? {}) as Record<string, unknown>;
  if (className === 'StandardScaler') {
    const s = new StandardScaler(cfg as StandardScalerOptions);
    s.loadState(state ?? null, ['mean', 'scale']);
    return s;
  }
  if (className === 'MinMaxScaler') {
    const s = new MinMaxScaler(cfg as MinMaxScalerOptions);
    s.loadState(state ?? null, ['dataMin', 'dataMax']);
    return s;
  }
  throw new ValueError(`scalers.fromJSON: className must be 'StandardScaler' or 'MinMaxScaler', got ${describe(className)}`);
}
