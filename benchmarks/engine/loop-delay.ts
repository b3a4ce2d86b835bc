/**
 * Event-loop delay of one phase: `perf_hooks.monitorEventLoopDelay` with a 1 ms resolution, a fresh histogram
 * per phase.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'perf_hooks';

/** Milliseconds to wait, letting the event loop turn. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The delay figures of one phase, ms. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

/** Lets the loop turn (1 ms sleeps, at most `limit` of them) until the histogram has recorded more than `count`
 * intervals. */
async function turnsPast(h: IntervalHistogram, count: number, limit = 200): Promise<void> {
  for (let i = 0; i < limit && h.count <= count; i++) await sleep(1);
}

/**
 * Starts recording; `stop()` returns the figures. Node records the interval between two turns of the
 * histogram's timer, and only from its second turn on: the start waits for a first recorded interval before it
 * returns (so that a phase whose work blocks the loop at once is measured; a fixed sleep is not enough when
 * the loop's clock is stale after synchronous work), and the stop waits for one more turn after the work (so
 * that a call that blocked the loop to its end is counted).
 */
export async function startLoopDelay(): Promise<{ stop(): Promise<LoopDelay> }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await turnsPast(h, 0);
  return {
    async stop() {
      await turnsPast(h, h.count);
      h.disable();
      const ms = (ns: number) => ns / 1e6;
      return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), samples: h.count };
    },
  };
}
