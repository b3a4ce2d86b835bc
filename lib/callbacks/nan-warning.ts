/** The warning `fit` emits when the training loss became NaN or infinite and nothing stopped it. */
import type { History } from '../models/history';
import { TerminateOnNaN } from './terminate-on-nan';

/** Code of the warning (`process.on('warning', w => w.code === NAN_LOSS_WARNING_CODE)`). */
export const NAN_LOSS_WARNING_CODE = 'MYELIN_NAN_LOSS';

/**
 * Called once at the end of `fit`: when an epoch's training loss in `history` is NaN or infinite and no
 * `TerminateOnNaN` is among `callbacks`, emits one `process.emitWarning` (type 'MyelinWarning', code
 * {@link NAN_LOSS_WARNING_CODE}) naming the first such epoch, whatever `verbose` is: a model trained into
 * NaN weights should never pass silently. Returns whether it warned.
 */
export function warnIfLossNotFinite(history: History, callbacks: readonly unknown[]): boolean {
  if (callbacks.some((c) => c instanceof TerminateOnNaN)) return false;
  const losses = history.history.loss ?? [];
  const i = losses.findIndex((v) => !Number.isFinite(v));
  if (i < 0) return false;
  process.emitWarning(
    `fit: the training loss became ${losses[i]} at epoch ${history.epoch[i]}; the weights are likely ${losses[i]} too. ` +
    'Lower the learning rate, scale the inputs, or pass callbacks: [terminateOnNaN()] to stop at the first such batch.',
    { type: 'MyelinWarning', code: NAN_LOSS_WARNING_CODE },
  );
  return true;
}
