/**
 * Issue 14's service targets, checked against the medians of one run of the engine benchmark:
 *
 * - event-loop delay during `fit` (784-512-512-10, 20,000 x 784, batch 128), `predictAsync` and `evaluateAsync`
 *   (60,000 rows): p99 <= 3 ms and max <= 10 ms;
 * - HTTP requests answered on one keep-alive connection during that fit >= 0.5x the idle rate;
 * - fit samples/s with compute off the thread >= 0.95x the blocking fit's (`MYELIN_OFF_THREAD=0`): the median of
 *   the per-round ratios.
 */
import { median } from '../report/aggregate';
import type { PhaseResult } from './result';
import type { ModeSummary, PhaseSummary } from './summary';

/** Limits of the targets. */
export const ENGINE_LIMITS = { delayP99Ms: 3, delayMaxMs: 10, requestRatio: 0.5, throughputRatio: 0.95 } as const;

/** One row of the targets table; `met` is null where the build cannot measure it ("not available"). */
export interface EngineTarget {
  target: string;
  measured: string;
  met: boolean | null;
}

const fixed = (x: number | undefined, digits: number): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const whole = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : Math.round(x).toLocaleString('en-US'));
const delays = (p: PhaseResult): string => `p99 ${fixed(p.delayP99Ms, 1)} ms, max ${fixed(p.delayMaxMs, 1)} ms`;

function delayTarget(label: string, p: PhaseSummary | undefined, asyncName: string | null): EngineTarget {
  const target = `${label}: event-loop delay p99 <= ${ENGINE_LIMITS.delayP99Ms} ms, max <= ${ENGINE_LIMITS.delayMaxMs} ms`;
  if (!p) return { target, measured: 'not measured (the run failed)', met: null };
  if (asyncName && p.api === 'sync') {
    return { target, measured: `not available: this build has no ${asyncName} (the synchronous form: ${delays(p)}, blocked ${fixed(p.seconds, 2)} s)`, met: null };
  }
  return { target, measured: delays(p), met: p.delayP99Ms <= ENGINE_LIMITS.delayP99Ms && p.delayMaxMs <= ENGINE_LIMITS.delayMaxMs };
}

/**
 * The rows: the off-thread mode's figures, the blocking mode's fit as the throughput reference; `fitRatios` are
 * the per-round throughput ratios (summary.ts's pairedFitRatios).
 */
export function checkEngineTargets(offThread: ModeSummary, blocking: ModeSummary, fitRatios: number[]): EngineTarget[] {
  const fit = offThread.phases.fit;
  const idle = offThread.phases.idle;
  const rows = [
    delayTarget('fit', fit, null),
    delayTarget('predictAsync, 60,000 rows', offThread.phases.predict, 'predictAsync'),
    delayTarget('evaluateAsync, 60,000 rows', offThread.phases.evaluate, 'evaluateAsync'),
  ];
  const requestTarget = `HTTP requests/s on one keep-alive connection during fit >= ${ENGINE_LIMITS.requestRatio}x idle`;
  rows.push(fit && idle
    ? { target: requestTarget, measured: `${whole(fit.requestsPerSecond)} vs ${whole(idle.requestsPerSecond)} /s idle (${fixed(fit.requestRatioToIdle, 3)}x)`, met: fit.requestRatioToIdle >= ENGINE_LIMITS.requestRatio }
    : { target: requestTarget, measured: 'not measured (the run failed)', met: null });
  const throughputTarget = `fit samples/s off the thread >= ${ENGINE_LIMITS.throughputRatio}x the blocking fit (MYELIN_OFF_THREAD=0)`;
  const base = blocking.phases.fit;
  if (fit?.samplesPerSecond && base?.samplesPerSecond && fitRatios.length) {
    const ratio = median(fitRatios);
    const same = !offThread.asyncInference.predictAsync && !offThread.asyncInference.evaluateAsync
      ? '; this build has no async API: both modes ran the same fit' : '';
    rows.push({
      target: throughputTarget,
      measured: `${fixed(ratio, 2)}x, median of ${fitRatios.length} rounds (${fitRatios.map((r) => fixed(r, 2)).join(', ')}); medians ${whole(fit.samplesPerSecond)} vs ${whole(base.samplesPerSecond)} samples/s${same}`,
      met: ratio >= ENGINE_LIMITS.throughputRatio,
    });
  } else {
    rows.push({ target: throughputTarget, measured: 'not measured (a run failed)', met: null });
  }
  return rows;
}
