/** Comparing two optimizer trajectories: loss at every step (relative) and final weights. */
import type { Trajectories } from './sides';

/** The comparison of one optimizer. */
export interface ParityRow {
  optimizer: string;
  steps: number;
  /** max over steps of |a - b| / |b|. */
  maxLossRelDiff: number;
  /** The step (0-based) where it occurs. */
  worstStep: number;
  /** max over weights of |a - b|. */
  maxWeightAbsDiff: number;
  /** max over weights of |a - b| / max(1, |b|): the weight criterion. */
  maxWeightDiff: number;
  firstLoss: number;
  lastLoss: number;
  ok: boolean;
}

/**
 * Compares myelin's trajectories with PyTorch's: ok when every step's loss agrees within `tolerance`
 * relative and every final weight within `tolerance` (relative to max(1, |w|), i.e. absolute for small weights).
 */
export function compareTrajectories(mine: Trajectories, torch: Trajectories, tolerance = 1e-4): ParityRow[] {
  return Object.keys(torch).map((name) => {
    const a = mine[name];
    const b = torch[name];
    if (!a) throw new Error(`parity: myelin has no trajectory for ${name}`);
    if (a.losses.length !== b.losses.length) throw new Error(`parity: ${name}: ${a.losses.length} myelin steps vs ${b.losses.length} PyTorch steps`);
    let maxLossRelDiff = 0;
    let worstStep = 0;
    a.losses.forEach((l, s) => {
      const d = Math.abs(l - b.losses[s]) / Math.abs(b.losses[s]);
      if (!(d <= maxLossRelDiff)) { maxLossRelDiff = d; worstStep = s; }
    });
    let maxWeightAbsDiff = 0;
    let maxWeightDiff = 0;
    a.weights.forEach((w, i) => w.forEach((v, j) => {
      const ref = b.weights[i][j];
      const d = Math.abs(v - ref);
      if (!(d <= maxWeightAbsDiff)) maxWeightAbsDiff = d;
      const rel = d / Math.max(1, Math.abs(ref));
      if (!(rel <= maxWeightDiff)) maxWeightDiff = rel;
    }));
    return {
      optimizer: name, steps: a.losses.length, maxLossRelDiff, worstStep, maxWeightAbsDiff, maxWeightDiff,
      firstLoss: a.losses[0], lastLoss: a.losses[a.losses.length - 1],
      ok: maxLossRelDiff <= tolerance && maxWeightDiff <= tolerance,
    };
  });
}
