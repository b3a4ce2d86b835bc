/**
 * Why steps of a fit were not replayed as captured, reported as `history.params.replayRefusals`: the step of each
 * batch shape is recorded, verified and replayed (lib/models/step-program.ts); where one of these phases says no,
 * the fit goes on the slower way and the refusal is noted here with its reason, once per batch shape and kind.
 */

/** What was refused, and the way the steps went instead. */
export type ReplayRefusalKind =
  /** Two recordings of the batch shape disagreed (a layer or loss that depends on JavaScript state, a read-back): its steps run through the ops and the tape. */
  | 'replay'
  /** The backend could not compile the recorded step (a CUDA graph, a native program): it is replayed call by call. */
  | 'compile'
  /** Logging the step without computing it was refused (it reads values back): it is recorded while it runs. */
  | 'capture'
  /** A batch of a shape no recorded step has (the last, smaller batch of an epoch; another input length): recorded anew. */
  | 'shape';

/** One refusal: the batch shape concerned, what was refused and why. */
export interface ReplayRefusal {
  /** The batch's shapes, as `x [16, 3], y [16, 1]` (and `, w [16]` with sample weights). */
  batch: string;
  kind: ReplayRefusalKind;
  reason: string;
}

/** At most this many refusals are kept per fit (a fit whose batch shape changes every step would grow without end). */
export const MAX_REFUSALS = 32;

/** The refusals of one fit (see the file's comment). */
export class ReplayRefusals {
  /** The refusals so far, in order; `history.params.replayRefusals` is this array. */
  readonly list: ReplayRefusal[] = [];
  private readonly seen = new Set<string>();

  /** Notes a refusal (once per batch shape and kind, at most MAX_REFUSALS). */
  add(kind: ReplayRefusalKind, batch: string, reason: string): void {
    const key = `${kind}|${batch}`;
    if (this.seen.has(key) || this.list.length >= MAX_REFUSALS) return;
    this.seen.add(key);
    this.list.push({ batch, kind, reason });
    if (process.env.MYELIN_DEBUG_REPLAY === '1') console.error(`step ${kind} refused for ${batch}: ${reason}`);
  }
}

/** The batch description of a refusal: `x [16, 3], y [16, 1]` (and `, w [16]`). */
export function batchShapes(x: readonly number[], y: readonly number[], w: readonly number[] | null): string {
  return `x [${x.join(', ')}], y [${y.join(', ')}]${w ? `, w [${w.join(', ')}]` : ''}`;
}
