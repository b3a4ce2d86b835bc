/**
 * The CPU addon's shuffle of index arrays (`shuffleIndices`), for `Random.shuffle`: a shuffle of n indices in
 * TypeScript costs about n generator calls in the interpreter until V8 has compiled it (milliseconds per epoch
 * for small data sets in a fresh process); natively it takes microseconds, with the same result.
 */
import { optionalCpuEntry } from './optional-entry';

type ShuffleIndices = (order: Int32Array, state: Float64Array, fromIdentity: boolean) => void;

/** The addon's `shuffleIndices`, or null where the CPU addon does not load (then TypeScript shuffles). */
export function nativeShuffle(): ShuffleIndices | null {
  return optionalCpuEntry('shuffleIndices');
}
