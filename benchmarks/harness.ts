/**
 * Runs the workers: each run of each framework is its own process (a fair peak-memory figure), and the
 * frameworks alternate within every repetition (rotated order), so slow phases of a noisy machine hit
 * all of them alike.
 */
import { spawn } from 'child_process';
import { RESULT_PREFIX, type RunResult } from './workers/common';
import type { Peer } from './peers';

/** One run's outcome: the worker's result (a RunResult unless the worker reports another shape), or why it failed. */
export interface RunOutcome<R = RunResult> {
  peer: string;
  workload: string;
  repetition: number;
  result?: R;
  error?: string;
}

/** What a failed worker said: its first `SomethingError: ...` line (Node and Python alike), else its last lines. */
function stderrSummary(err: string): string {
  const lines = err.trim().split('\n');
  const thrown = lines.find((l) => /^[\w.]*(Error|Exception)\b/.test(l));
  return thrown ?? lines.slice(-3).join(' | ');
}

/** Starts one worker process and parses its result line (as `R`); never throws. */
export function runWorkerProcess<R = RunResult>(peer: Peer, workload: string, specPath: string, timeoutSeconds: number, repetition: number): Promise<RunOutcome<R>> {
  const { cmd, args, cwd, env } = peer.command(specPath);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    const done = (error?: string) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line && !error) {
        try {
          resolve({ peer: peer.id, workload, repetition, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as R });
          return;
        } catch (e) {
          error = `unparsable result: ${String(e)}`;
        }
      }
      const tail = stderrSummary(err);
      resolve({ peer: peer.id, workload, repetition, error: error ?? `no result (${tail || 'no output'})` });
    };
    child.on('error', (e) => done(e.message));
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') done(`killed after ${timeoutSeconds} s`);
      else if (code !== 0) done(`exit ${code}: ${stderrSummary(err)}`);
      else done();
    });
  });
}

/**
 * `repetitions` rounds over `peers`; round r starts at peer r (mod count). `onRun` sees every outcome as
 * it arrives (for progress lines).
 */
export async function runAlternating<R = RunResult>(peers: Peer[], workload: string, specPath: string, repetitions: number,
  timeoutSeconds: number, onRun: (o: RunOutcome<R>) => void): Promise<RunOutcome<R>[]> {
  const outcomes: RunOutcome<R>[] = [];
  for (let r = 0; r < repetitions; r++) {
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[(i + r) % peers.length];
      const o = await runWorkerProcess<R>(peer, workload, specPath, timeoutSeconds, r);
      outcomes.push(o);
      onRun(o);
    }
  }
  return outcomes;
}
