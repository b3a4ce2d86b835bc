/**
 * What every benchmark worker process shares: reading the workload spec and its .npy files, measuring
 * the process's peak resident memory, and printing the one result line the harness parses.
 */
import * as fs from 'fs';
import * as path from 'path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'perf_hooks';
import { readNpy, type NpyArray } from '../npy';
import type { WorkloadSpec } from '../workloads';

/** The line prefix of a worker's result (one JSON object after it). */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** What one worker process reports for one run of one workload. */
export interface RunResult {
  /** Seconds of the timed training (fixed-epochs: the epochs; to-accuracy: training plus the test evaluations). */
  trainSeconds: number;
  /** Optimizer steps taken in the timed part. */
  steps: number;
  /** Training samples processed in the timed part. */
  samplesSeen: number;
  /** Epochs run (to-accuracy: until the target was reached). */
  epochs: number;
  /** Mean loss over the whole training set after the timed training (null when not computed). */
  finalLoss: number | null;
  /** Test accuracy at the end (to-accuracy workloads). */
  testAccuracy?: number;
  /** to-accuracy: whether the target accuracy was reached within the epoch limit. */
  reached?: boolean;
  /** True when the time limit cut the run short (speed from the steps done; no comparable loss). */
  partial?: boolean;
  /** Peak resident set size of the whole process, MiB. */
  peakRssMiB: number;
  /** Free-form details (threads, backend, library version). */
  details?: string;
}

/**
 * Garbage-collection pauses from now until `stop()`: their count and total milliseconds, and how much of it was
 * full (mark-compact) collections. A worker reports them for its timed part, to tell a collection from its own
 * one-time costs.
 */
export function watchGc(): { stop(): string } {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => { entries.push(...list.getEntries()); });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      entries.push(...observer.takeRecords());
      observer.disconnect();
      const major = entries.filter((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
      const ms = (list: PerformanceEntry[]) => list.reduce((a, e) => a + e.duration, 0).toFixed(1);
      return `GC in the timed part: ${entries.length} pauses, ${ms(entries)} ms (${major.length} full, ${ms(major)} ms)`;
    },
  };
}

/** The workload spec from the path given as the worker's first argument. */
export function readSpec(argv: string[] = process.argv): WorkloadSpec {
  const file = argv[2];
  if (!file) throw new Error('usage: worker <spec.json> [options]');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkloadSpec;
}

/** One .npy file of the workload's data folder. */
export function load(spec: WorkloadSpec, name: string): NpyArray {
  return readNpy(path.join(spec.dataDir as string, `${name}.npy`));
}

/**
 * The initial weights of the workload: the embedding table e when it has one, [cw0, cb0, ...] of the conv blocks
 * (CNNs), then [w0, b0, w1, b1, ...].
 */
export function loadInitialWeights(spec: WorkloadSpec): NpyArray[] {
  const out: NpyArray[] = spec.embedding ? [load(spec, 'e')] : [];
  for (let i = 0; i < (spec.conv?.length ?? 0); i++) out.push(load(spec, `cw${i}`), load(spec, `cb${i}`));
  for (let i = 0; i < spec.layers.length; i++) out.push(load(spec, `w${i}`), load(spec, `b${i}`));
  return out;
}

/**
 * Peak resident memory of this process so far, MiB: VmHWM from /proc/self/status on Linux (the high-water
 * mark of this program's own memory; getrusage's maxRSS would also count the forked parent's pages from
 * before exec), else process.resourceUsage().maxRSS (KiB).
 */
export function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Prints the result line the harness reads. */
export function report(result: RunResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Runs `main`, printing an error (and exiting 1) when it throws. */
export function runWorker(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}

/** Mean binary cross-entropy of probabilities p against targets y (p clipped to [1e-7, 1 - 1e-7], Keras). */
export function binaryCrossEntropy(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
    s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
  }
  return s / y.length;
}
