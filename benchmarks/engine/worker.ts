/**
 * Engine-benchmark worker (issue 14): in one process, an HTTP server and a client on one keep-alive connection,
 * the event-loop delay monitor, and the phases
 *
 * - idle: nothing but the client (its rate is the reference),
 * - fit: 784-512-512-10, Adam, batch 128, on 20,000 x 784 synthetic samples (samples/s too),
 * - predict: `predictAsync` on 60,000 rows (`predict` where the build lacks it),
 * - evaluate: `evaluateAsync` on the same 60,000 rows (`evaluate` where the build lacks it),
 *
 * with `setBackend('cpu', { threads: 1 })` so that a core is left for the loop. Prints one result line
 * (EngineRunResult). The driver (cli.ts) sets MYELIN_OFF_THREAD for the mode.
 *
 * Usage: node dist/benchmarks/engine/worker.js [--mode=off-thread|blocking] [--phases=idle,fit,predict,evaluate]
 *        [--epochs=3] [--idle-seconds=2]
 */
import { backendInfo, setBackend, tensor, type Tensor } from '../../lib/index';
import type { Sequential } from '../../lib/models/sequential';
import { RESULT_PREFIX, peakRssMiB, runWorker } from '../workers/common';
import { asyncInferenceOf, evaluateEither, fitWithSignal, predictEither } from './async-api';
import { startHttpLoad } from './http-load';
import { sleep } from './loop-delay';
import type { HttpLoad } from './http-load';
import { measurePhase } from './measure-phase';
import { PHASES, type EngineMode, type EngineRunResult, type PhaseName, type PhaseResult } from './result';
import { ENGINE_WORKLOAD as W, buildEngineModel, headRows, syntheticData } from './workload';

interface WorkerArgs { mode: EngineMode; phases: PhaseName[]; epochs: number; idleSeconds: number }

function parseArgs(argv: string[]): WorkerArgs {
  const a: WorkerArgs = { mode: 'off-thread', phases: [...PHASES], epochs: W.epochs, idleSeconds: 2 };
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    if (key === '--mode' && (value === 'off-thread' || value === 'blocking')) a.mode = value;
    else if (key === '--phases') {
      const names = (value ?? '').split(',').filter(Boolean);
      const bad = names.filter((n) => !(PHASES as readonly string[]).includes(n));
      if (bad.length) throw new Error(`--phases: unknown phase ${bad.join(', ')} (expected some of ${PHASES.join(', ')})`);
      a.phases = PHASES.filter((p) => names.includes(p));
    } else if (key === '--epochs' && Number(value) >= 1) a.epochs = Math.floor(Number(value));
    else if (key === '--idle-seconds' && Number(value) > 0) a.idleSeconds = Number(value);
    else throw new Error(`unknown or invalid argument ${arg}`);
  }
  return a;
}

/** An AbortSignal that never fires: the calls take one as users will, and nothing aborts. */
const NEVER = new AbortController().signal;

/** The fit phase: `epochs` epochs of (x, y), shuffled (seed 7), with samples/s and the first and last epoch loss. */
async function measureFit(load: HttpLoad, model: Sequential, x: Tensor, y: Tensor, epochs: number): Promise<{ phase: PhaseResult; params: Record<string, unknown> }> {
  let loss: number[] = [];
  let params: Record<string, unknown> = {};
  const r = await measurePhase(load, async () => {
    const h = await fitWithSignal(model, x, y, { epochs, batchSize: W.batchSize, shuffle: true, seed: 7, verbose: 0 }, NEVER);
    loss = h.history.loss ?? [];
    params = { ...h.params };
    return 'async';
  });
  return { phase: { ...r, samplesPerSecond: (x.shape[0] * epochs) / r.seconds, lossFirst: loss[0], lossLast: loss[loss.length - 1] }, params };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  setBackend('cpu', { threads: 1 });
  const info = backendInfo();
  const rows = args.phases.some((p) => p === 'predict' || p === 'evaluate') ? W.inferenceRows : W.fitRows;
  const data = syntheticData(rows);
  const xFit = headRows(data.x, W.inputDim, W.fitRows);
  const yFit = headRows(data.y, W.classes, W.fitRows);

  // Warm-up on a throwaway model: JIT, BLAS start, the first calls of fit and of the inference path.
  const warm = buildEngineModel();
  const wx = headRows(data.x, W.inputDim, W.warmupRows);
  const wy = headRows(data.y, W.classes, W.warmupRows);
  await fitWithSignal(warm, wx, wy, { epochs: 1, batchSize: W.batchSize, verbose: 0 }, NEVER);
  await predictEither(warm, wx, W.inferenceBatchSize, NEVER);
  await evaluateEither(warm, wx, wy, W.inferenceBatchSize, NEVER);
  warm.dispose(); wx.dispose(); wy.dispose();

  const model = buildEngineModel();
  const load = await startHttpLoad({ maxSeconds: 150 });
  await sleep(200); // the connection is up and the client at its pace
  const result: EngineRunResult = {
    mode: args.mode, offThreadEnv: process.env.MYELIN_OFF_THREAD ?? null, asyncInference: asyncInferenceOf(model),
    fitParams: {}, backend: `${info.backend}${info.blas ? `, BLAS ${info.blas.library}` : ''}${info.threads ? `, ${info.threads} thread(s)` : ''}`,
    phases: {}, requestsTotal: 0, clientError: null, peakRssMiB: 0,
  };
  let inference: { x: Tensor; y: Tensor } | null = null;
  try {
    for (const phase of args.phases) {
      if (phase === 'idle') {
        result.phases.idle = await measurePhase(load, async () => { await sleep(args.idleSeconds * 1000); return 'async'; });
      } else if (phase === 'fit') {
        const fit = await measureFit(load, model, xFit, yFit, args.epochs);
        result.fitParams = fit.params;
        result.phases.fit = fit.phase;
      } else {
        // The inference rows are taken over once (no copy), for both inference phases.
        inference ??= { x: tensor(data.x, [W.inferenceRows, W.inputDim], { copy: false }), y: tensor(data.y, [W.inferenceRows, W.classes], { copy: false }) };
        const { x, y } = inference;
        result.phases[phase] = await measurePhase(load, () => (phase === 'predict'
          ? predictEither(model, x, W.inferenceBatchSize, NEVER)
          : evaluateEither(model, x, y, W.inferenceBatchSize, NEVER)));
      }
    }
  } finally {
    await load.stop();
  }
  result.requestsTotal = load.answered();
  result.clientError = load.error();
  result.peakRssMiB = peakRssMiB();
  model.dispose(); xFit.dispose(); yFit.dispose();
  inference?.x.dispose(); inference?.y.dispose();
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

runWorker(main);
