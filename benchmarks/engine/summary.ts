/** Medians of the engine benchmark's runs, per mode and phase. */
import type { RunOutcome } from '../harness';
import { median } from '../report/aggregate';
import { PHASES, type EngineMode, type EngineRunResult, type PhaseName, type PhaseResult } from './result';

/** Medians of one phase over a mode's runs (each field its own median). */
export interface PhaseSummary extends PhaseResult {
  /** Runs that measured the phase. */
  runs: number;
  /** HTTP requests/s over the same runs' idle rate, the median of the per-run ratios. */
  requestRatioToIdle: number;
}

/** One mode's medians. */
export interface ModeSummary {
  mode: EngineMode;
  runs: number;
  failures: string[];
  asyncInference: { predictAsync: boolean; evaluateAsync: boolean };
  /** `history.params` of the first successful run (the engine may name its strategy there). */
  fitParams: Record<string, unknown>;
  backend: string;
  phases: Partial<Record<PhaseName, PhaseSummary>>;
}

const NUMERIC: (keyof PhaseResult)[] = ['seconds', 'delayP50Ms', 'delayP99Ms', 'delayMaxMs', 'delaySamples', 'requestsPerSecond', 'samplesPerSecond', 'lossFirst', 'lossLast'];

function summarizePhase(results: EngineRunResult[], phase: PhaseName): PhaseSummary | undefined {
  const measured = results.filter((r) => r.phases[phase]);
  if (measured.length === 0) return undefined;
  const first = measured[0].phases[phase] as PhaseResult;
  const out: Record<string, unknown> = { api: first.api, runs: measured.length };
  for (const key of NUMERIC) {
    const values = measured.map((r) => r.phases[phase]?.[key]).filter((v): v is number => typeof v === 'number');
    if (values.length) out[key] = median(values);
  }
  const ratios = measured.filter((r) => r.phases.idle).map((r) => (r.phases[phase] as PhaseResult).requestsPerSecond / (r.phases.idle as PhaseResult).requestsPerSecond);
  out.requestRatioToIdle = median(ratios);
  return out as unknown as PhaseSummary;
}

/** The medians of `mode`'s runs among `outcomes`. */
export function summarizeMode(mode: EngineMode, outcomes: RunOutcome<EngineRunResult>[]): ModeSummary {
  const mine = outcomes.filter((o) => o.peer === mode);
  const ok = mine.map((o) => o.result).filter((r): r is EngineRunResult => r !== undefined);
  const phases: Partial<Record<PhaseName, PhaseSummary>> = {};
  for (const p of PHASES) {
    const s = summarizePhase(ok, p);
    if (s) phases[p] = s;
  }
  return {
    mode,
    runs: ok.length,
    failures: mine.filter((o) => o.error).map((o) => o.error as string),
    asyncInference: ok[0]?.asyncInference ?? { predictAsync: false, evaluateAsync: false },
    fitParams: ok[0]?.fitParams ?? {},
    backend: ok[0]?.backend ?? '-',
    phases,
  };
}

/**
 * Off-thread fit samples/s over the blocking fit's, per round (the two runs of one repetition ran one after the
 * other, so a machine's slow and fast stretches cancel better than in a ratio of medians).
 */
export function pairedFitRatios(outcomes: RunOutcome<EngineRunResult>[]): number[] {
  const rate = (mode: EngineMode, rep: number) => outcomes.find((o) => o.peer === mode && o.repetition === rep)?.result?.phases.fit?.samplesPerSecond;
  const reps = [...new Set(outcomes.map((o) => o.repetition))];
  const ratios: number[] = [];
  for (const r of reps) {
    const off = rate('off-thread', r);
    const base = rate('blocking', r);
    if (off && base) ratios.push(off / base);
  }
  return ratios;
}
