/**
 * `npm run bench -- --engine [--reps=N]`: the service targets of issue 14. Runs benchmarks/engine/worker.ts in
 * child processes, alternating the off-thread mode (the default engine) and the blocking one
 * (`MYELIN_OFF_THREAD=0`, idle and fit phases only: the throughput reference), `reps` rounds; prints the Markdown
 * report and writes benchmarks/results/engine.{json,md}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runAlternating, type RunOutcome } from '../harness';
import { repoRoot, type Peer } from '../peers';
import { describeMachine, machineLine } from '../report/machine';
import { engineMarkdown } from './markdown';
import type { EngineMode, EngineRunResult } from './result';
import { pairedFitRatios, summarizeMode } from './summary';
import { checkEngineTargets } from './targets';
import { ENGINE_WORKLOAD } from './workload';

/** Seconds after which one worker process is killed (a full one took 20-30 s on this 2-core machine at a load average of 10). */
const WORKER_TIMEOUT_SECONDS = 180;

function modePeer(mode: EngineMode, epochs: number): Peer {
  const worker = path.join(repoRoot(), 'dist', 'benchmarks', 'engine', 'worker.js');
  const blocking = mode === 'blocking';
  return {
    id: mode, label: mode, group: mode, gpu: false,
    command: () => ({
      cmd: process.execPath,
      args: [worker, `--mode=${mode}`, `--epochs=${epochs}`, ...(blocking ? ['--phases=idle,fit'] : [])],
      // undefined removes the variable: the off-thread mode runs the engine's default.
      env: { MYELIN_OFF_THREAD: blocking ? '0' : undefined },
    }),
  };
}

function progressLine(o: RunOutcome<EngineRunResult>, reps: number): string {
  const head = `  [${o.repetition + 1}/${reps}] ${o.peer.padEnd(10)}`;
  if (!o.result) return `${head} FAILED: ${o.error}`;
  const parts = Object.entries(o.result.phases).map(([name, p]) =>
    `${name} p99 ${p.delayP99Ms.toFixed(1)} max ${p.delayMaxMs.toFixed(1)} ms ${Math.round(p.requestsPerSecond)} req/s${p.samplesPerSecond ? ` ${Math.round(p.samplesPerSecond)} samples/s` : ''}${p.api === 'sync' ? ' (sync)' : ''}`);
  return `${head} ${parts.join(' | ')}`;
}

/** Runs the benchmark, prints and writes the report; returns the exit code (1 when every run of a mode failed). */
export async function runEngineCli(options: { reps: number; epochs?: number; command: string }): Promise<number> {
  const epochs = options.epochs ?? ENGINE_WORKLOAD.epochs;
  const machine = describeMachine();
  console.log(`machine: ${machineLine(machine)}`);
  console.log(`engine: off-thread and blocking (MYELIN_OFF_THREAD=0) x ${options.reps} runs, ${epochs} epochs each`);
  const peers = [modePeer('off-thread', epochs), modePeer('blocking', epochs)];
  const runs = await runAlternating<EngineRunResult>(peers, 'engine', '', options.reps, WORKER_TIMEOUT_SECONDS,
    (o) => console.log(progressLine(o, options.reps)));
  const modes = [summarizeMode('off-thread', runs), summarizeMode('blocking', runs)];
  const targets = checkEngineTargets(modes[0], modes[1], pairedFitRatios(runs));
  const md = engineMarkdown({ command: options.command, machine, repetitions: options.reps, epochs, modes, targets });
  console.log(`\n${md}`);
  const out = path.join(repoRoot(), 'benchmarks', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'engine.json'), JSON.stringify({ command: options.command, machine, repetitions: options.reps, epochs, modes, targets, runs }, null, 2));
  fs.writeFileSync(path.join(out, 'engine.md'), md);
  console.log('wrote benchmarks/results/engine.json, .md');
  return modes.some((m) => m.runs === 0) ? 1 : 0;
}
