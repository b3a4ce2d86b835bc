/** One phase of the engine benchmark: its work, awaited, with the event-loop delay and the HTTP answers meanwhile. */
import type { HttpLoad } from './http-load';
import { startLoopDelay } from './loop-delay';
import type { PhaseResult } from './result';

/**
 * Runs `work` and measures it: wall-clock seconds, event-loop delay (p50, p99, max) and the rate of HTTP answers
 * on `load`'s connection between the work's start and end. `work` returns which API form it ran.
 */
export async function measurePhase(load: HttpLoad, work: () => Promise<'async' | 'sync'>): Promise<PhaseResult> {
  const delay = await startLoopDelay();
  const before = load.answered();
  const t0 = process.hrtime.bigint();
  const api = await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const answered = load.answered() - before;
  const d = await delay.stop();
  return {
    seconds,
    delayP50Ms: d.p50Ms,
    delayP99Ms: d.p99Ms,
    delayMaxMs: d.maxMs,
    delaySamples: d.samples,
    requestsPerSecond: answered / seconds,
    api,
  };
}
