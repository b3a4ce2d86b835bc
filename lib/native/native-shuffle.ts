/**
 * The CPU addon's shuffle of index arrays (`shuffleIndices`), for `Random.shuffle`: a shuffle of n indices in
 * TypeScript costs about n generator calls in the interpreter until V8 has compiled it (milliseconds per epoch
 * for small data sets in a fresh process); natively it takes microseconds, with the same result.
 */
import { loadCpuAddon } from './loader';

type ShuffleIndices = (order: Int32Array, state: Float64Array, fromIdentity: boolean) => void;

let shuffleIndices: ShuffleIndices | null | undefined;

/** The addon's `shuffleIndices`, or null where the CPU addon does not load (then TypeScript shuffles). */
export function nativeShuffle(): ShuffleIndices | null {
  if (shuffleIndices === undefined) {
    try {
      const addon = loadCpuAddon();
      shuffleIndices = typeof addon.shuffleIndices === 'function' ? addon.shuffleIndices.bind(addon) : null;
    } catch {
      shuffleIndices = null;
    }
  }
  return shuffleIndices;
}
