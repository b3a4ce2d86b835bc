/**
 * Forgotten tensors under load (issue 19): `--n` single-sample `predict` calls on a 4-8-1 MLP whose results are
 * never disposed, as a careless request handler would do. Prints the peak RSS, the longest and the 99th-percentile
 * garbage-collection pause (from `perf_hooks` 'gc' entries) and the tensors still counted at the end. Two loops:
 * `sync` (one task, no finalizer can run) and `yielding` (the event loop turns every 1,000 calls, as a service
 * does). Target: 3,000,000 predictions under 300 MB RSS, longest pause under 50 ms. GC pauses stretch when other
 * processes hold the cores: read them on an idle machine.
 *
 * Run: npm run build:ts && node dist/benchmarks/core/forgotten-tensors.js [--n 3000000] [sync|yielding]
 */
import { PerformanceObserver } from 'perf_hooks';
import * as my from '../../lib/index';

interface LoopResult {
  loop: string;
  predictions: number;
  seconds: number;
  peakRssMiB: number;
  maxGcPauseMs: number;
  p99GcPauseMs: number;
  gcPauses: number;
  countedAtEnd: number;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function loop(name: 'sync' | 'yielding', n: number): Promise<LoopResult> {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const model = my.sequential([my.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), my.layers.dense({ units: 1 })]);
  const x = my.tensor(new Float32Array([1, 2, 3, 4]), [1, 4]);
  const yieldEvery = name === 'yielding' ? 1000 : 0;
  let peak = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    model.predict(x);
    if (i % 10000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (yieldEvery > 0 && i % yieldEvery === 0) await turn();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  await new Promise((resolve) => setTimeout(resolve, 50));  // the observer's entries arrive in a later task
  observer.disconnect();
  const sorted = pauses.slice().sort((a, b) => a - b);
  return {
    loop: name,
    predictions: n,
    seconds: +seconds.toFixed(2),
    peakRssMiB: Math.round(peak / 2 ** 20),
    maxGcPauseMs: +(sorted[sorted.length - 1] ?? 0).toFixed(1),
    p99GcPauseMs: +(sorted[Math.floor(sorted.length * 0.99)] ?? 0).toFixed(1),
    gcPauses: sorted.length,
    countedAtEnd: my.memory().numTensors,
  };
}

async function main(): Promise<void> {
  const n = option('--n', 3_000_000);
  const which = process.argv.includes('sync') ? ['sync'] : process.argv.includes('yielding') ? ['yielding'] : ['sync', 'yielding'];
  console.log(`backend: ${my.backendInfo().backend}`);
  for (const name of which) {
    const r = await loop(name as 'sync' | 'yielding', n);
    const met = r.peakRssMiB < 300 && r.maxGcPauseMs < 50 ? 'met' : 'not met';
    console.log(JSON.stringify(r), `(target RSS < 300 MiB, pause < 50 ms: ${met})`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
