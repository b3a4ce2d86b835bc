/** What one engine-benchmark worker process reports (benchmarks/engine/worker.ts), read by the driver (cli.ts). */

/** The phases a worker can run, in this order. */
export const PHASES = ['idle', 'fit', 'predict', 'evaluate'] as const;
export type PhaseName = (typeof PHASES)[number];

/** How the two worker processes of a repetition run `fit`: the default engine, or `MYELIN_OFF_THREAD=0`. */
export type EngineMode = 'off-thread' | 'blocking';

/** Event-loop delay and HTTP service during one phase. */
export interface PhaseResult {
  /** Wall-clock seconds of the phase's work (the call, awaited). */
  seconds: number;
  /**
   * Event-loop delay percentiles and maximum, ms, from `perf_hooks.monitorEventLoopDelay({ resolution: 1 })`:
   * the interval between two turns of its 1 ms timer, so an idle loop reads about 1 ms.
   */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Timer turns the histogram recorded (few samples mean a loop blocked for long stretches). */
  delaySamples: number;
  /** HTTP requests answered on the one keep-alive connection per second of the phase. */
  requestsPerSecond: number;
  /** Which form of the call ran: 'async' (predictAsync / evaluateAsync, fit) or 'sync' (fallback, not the target). */
  api: 'async' | 'sync';
  /** fit only: training samples per second (epochs x samples / seconds). */
  samplesPerSecond?: number;
  /** fit only: the first and last epoch's loss (that it trained). */
  lossFirst?: number;
  lossLast?: number;
}

/** One worker process's report. */
export interface EngineRunResult {
  mode: EngineMode;
  /** The value of MYELIN_OFF_THREAD the worker saw (null when unset). */
  offThreadEnv: string | null;
  /** Whether the model has `predictAsync` and `evaluateAsync` (the off-thread API of issue 14). */
  asyncInference: { predictAsync: boolean; evaluateAsync: boolean };
  /** `history.params` of the measured fit (the engine may name its strategy there). */
  fitParams: Record<string, unknown>;
  /** Backend, BLAS and threads as backendInfo() reports them. */
  backend: string;
  phases: Partial<Record<PhaseName, PhaseResult>>;
  /** Requests the client sent in all, and the first client error (null when none). */
  requestsTotal: number;
  clientError: string | null;
  peakRssMiB: number;
}
