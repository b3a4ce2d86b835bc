/**
 * The engine benchmark's measuring parts (benchmarks/engine/): the loop-delay window sees a block that fills
 * it, the HTTP load answers and stops by itself, and the report's medians and target rows follow from the runs.
 * No speed is asserted: the only time figures checked are lower bounds that a blocked loop cannot undercut.
 */
import type { RunOutcome } from '../../benchmarks/harness';
import { startHttpLoad } from '../../benchmarks/engine/http-load';
import { sleep, startLoopDelay } from '../../benchmarks/engine/loop-delay';
import { measurePhase } from '../../benchmarks/engine/measure-phase';
import type { EngineMode, EngineRunResult, PhaseResult } from '../../benchmarks/engine/result';
import { pairedFitRatios, summarizeMode } from '../../benchmarks/engine/summary';
import { ENGINE_LIMITS, checkEngineTargets } from '../../benchmarks/engine/targets';

function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* the loop is blocked */ }
}

describe('startLoopDelay', () => {
  it('records a synchronous block that starts right at the beginning of the window as its maximum', async () => {
    const delay = await startLoopDelay();
    blockFor(60);
    const d = await delay.stop();
    expect(d.maxMs).toBeGreaterThanOrEqual(60);
    expect(d.samples).toBeGreaterThan(0);
  });
});

describe('startHttpLoad', () => {
  it('answers requests on its one connection, stops at its request bound, and stop() closes everything', async () => {
    const load = await startHttpLoad({ maxRequests: 25, maxSeconds: 30 });
    while (load.answered() < 25 && load.error() === null) await sleep(5);
    await sleep(20);
    expect(load.error()).toBeNull();
    expect(load.answered()).toBe(25);
    await load.stop();
  });

  it('counts no answers while the loop is blocked, in a measured phase', async () => {
    const load = await startHttpLoad({ maxSeconds: 30 });
    await sleep(20);
    const phase = await measurePhase(load, async () => { blockFor(50); return 'sync'; });
    await load.stop();
    expect(phase.requestsPerSecond).toBe(0);
    // The histogram records in buckets: a 50 ms block reads as 49.97 ms.
    expect(phase.delayMaxMs).toBeGreaterThanOrEqual(45);
    expect(phase.api).toBe('sync');
  });
});

function phase(over: Partial<PhaseResult>): PhaseResult {
  return { seconds: 1, delayP50Ms: 1, delayP99Ms: 2, delayMaxMs: 4, delaySamples: 900, requestsPerSecond: 1000, api: 'async', ...over };
}

function run(mode: EngineMode, repetition: number, phases: EngineRunResult['phases'], asyncApi: boolean): RunOutcome<EngineRunResult> {
  return {
    peer: mode, workload: 'engine', repetition,
    result: {
      mode, offThreadEnv: mode === 'blocking' ? '0' : null, asyncInference: { predictAsync: asyncApi, evaluateAsync: asyncApi },
      fitParams: {}, backend: 'cpu', phases, requestsTotal: 0, clientError: null, peakRssMiB: 1,
    },
  };
}

describe('summarizeMode and checkEngineTargets', () => {
  const p99s = [2.5, 1.5, 9];
  const fitRates = [900, 1100, 1000];
  const outcomes = [0, 1, 2].flatMap((i) => [
    run('off-thread', i, {
      idle: phase({ requestsPerSecond: 2000 }),
      fit: phase({ delayP99Ms: p99s[i], requestsPerSecond: 1200, samplesPerSecond: fitRates[i] }),
      predict: phase({ api: 'sync', delayP99Ms: 500, delayMaxMs: 500 }),
      evaluate: phase({ delayMaxMs: 20 }),
    }, false),
    run('blocking', i, { idle: phase({}), fit: phase({ samplesPerSecond: 1000 }) }, false),
  ]);
  outcomes.push({ peer: 'blocking', workload: 'engine', repetition: 3, error: 'exit 1: Error: boom' });
  const off = summarizeMode('off-thread', outcomes);
  const blocking = summarizeMode('blocking', outcomes);

  it('takes each figure\'s median over the mode\'s successful runs and keeps the failures', () => {
    const sorted = [...p99s].sort((a, b) => a - b);
    expect(off.runs).toBe(3);
    expect(off.phases.fit?.delayP99Ms).toBe(sorted[1]);
    expect(off.phases.fit?.requestRatioToIdle).toBeCloseTo(1200 / 2000, 12);
    expect(blocking.runs).toBe(3);
    expect(blocking.failures).toEqual(['exit 1: Error: boom']);
    expect(blocking.phases.predict).toBeUndefined();
  });

  it('marks a synchronous fallback "not available" and checks the others against the limits', () => {
    const ratios = pairedFitRatios(outcomes);
    expect(ratios).toEqual(fitRates.map((r) => r / 1000));
    const rows = checkEngineTargets(off, blocking, ratios);
    const byName = (s: string) => rows.find((r) => r.target.startsWith(s));
    const fit = off.phases.fit as PhaseResult;
    expect(byName('fit:')?.met).toBe(fit.delayP99Ms <= ENGINE_LIMITS.delayP99Ms && fit.delayMaxMs <= ENGINE_LIMITS.delayMaxMs);
    expect(byName('predictAsync')?.met).toBeNull();
    expect(byName('predictAsync')?.measured).toMatch(/^not available/);
    expect(byName('evaluateAsync')?.met).toBe(false);
    expect(byName('HTTP')?.met).toBe(1200 / 2000 >= ENGINE_LIMITS.requestRatio);
    const sortedRates = [...fitRates].sort((a, b) => a - b);
    expect(byName('fit samples/s')?.met).toBe(sortedRates[1] / 1000 >= ENGINE_LIMITS.throughputRatio);
    expect(byName('fit samples/s')?.measured).toMatch(/same fit/);
  });
});
