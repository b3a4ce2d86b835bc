/**
 * The check of every label value (sparse class indices in range, cross-entropy labels in [0, 1]) for the calls
 * that keep the event loop free (`fit`, `evaluateAsync`): the labels are read once and checked in parts of
 * LABEL_CHUNK values, with a turn of the event loop after each part, so that 60,000 one-hot rows (600,000 values)
 * do not hold the loop for the whole scan. The error is the one the synchronous check raises
 * (lib/models/fit-data.ts `labelValueCheck`).
 */
import type { Tensor } from '../tensor/tensor';
import type { LabelRangeCheck } from '../models/fit-data';
import type { StepControl } from './step-control';

/** Values checked between two turns of the event loop (about 0.1-0.3 ms of JavaScript on this machine's cores). */
const LABEL_CHUNK = 1 << 16;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `check` over every value of y, LABEL_CHUNK values at a time, yielding to the event loop in between.
 * Throws the check's ValueError; resolves false when `control` was asked to stop (an abort) before the end, true
 * otherwise (also when there is no `check`: nothing to check).
 */
export async function checkLabelsAsync(y: Tensor, check: LabelRangeCheck | null | undefined, control: StepControl): Promise<boolean> {
  if (check === null || check === undefined) return true;
  const values = y.dataSync();
  for (let from = 0; from < values.length; from += LABEL_CHUNK) {
    if (from > 0) {
      await nextTurn();
      if (Atomics.load(control.word, 0) !== 0) return false;
    }
    check(values, from, Math.min(values.length, from + LABEL_CHUNK));
  }
  return true;
}
