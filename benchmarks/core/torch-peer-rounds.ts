/**
 * What the layer benchmarks against PyTorch CPU share (benchmarks/core/recurrent.ts, transformer-block.ts): rounds
 * that alternate a timed myelin fit with each Python's script, and the Markdown table of samples/s with the ratio
 * of myelin to every peer and to the best one. Each figure is the median over rounds.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../lib/index';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The Pythons to compare with: /usr/bin/python3 (Debian's PyTorch 1.13) and MYELIN_BENCH_PYTHON2 (a PyTorch 2.x). */
export function benchPythons(): string[] {
  return ['/usr/bin/python3', process.env.MYELIN_BENCH_PYTHON2].filter((p): p is string => p !== undefined && fs.existsSync(p));
}

/** One round's timed data: `batches` batches of `batch` rows, and a warm-up set fitted first (untimed). */
export interface FitRoundData {
  x: my.Tensor;
  y: my.Tensor;
  warm: { x: my.Tensor; y: my.Tensor };
  batch: number;
  batches: number;
}

/** Training samples per second of one epoch over `d.x` (after one untimed epoch over `d.warm`). */
async function fitSamplesPerSecond(model: my.Model, d: FitRoundData): Promise<number> {
  await model.fit(d.warm.x, d.warm.y, { epochs: 1, batchSize: d.batch, shuffle: false, verbose: 0 });
  const t0 = process.hrtime.bigint();
  await model.fit(d.x, d.y, { epochs: 1, batchSize: d.batch, shuffle: false, verbose: 0 });
  return (d.batches * d.batch) / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** One run of a script in benchmarks/python: its JSON `{ version, samplesPerSecond }`, or why it failed. */
function torchRound(python: string, script: string, args: string[]): { version: string; samplesPerSecond: Record<string, number> } | string {
  const file = path.join(__dirname, '..', '..', '..', 'benchmarks', 'python', script);
  try {
    return JSON.parse(execFileSync(python, [file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    return `${python}: ${(err as Error).message.split('\n').slice(-2).join(' ').trim()}`;
  }
}

/** What the table says besides the figures. */
export interface PeerTableText {
  /** The heading, without the `### `. */
  title: string;
  /** The setup sentence's start, e.g. 'Adam, MSE'. */
  training: string;
  /** The target printed after the ratio to the best peer, e.g. '>= 1.0x'; none when omitted. */
  target?: string;
}

/**
 * Runs `rounds` rounds, each a myelin fit of `model` on `data` then `script args` in every Python of
 * `benchPythons()`, and returns the Markdown table (a Python that fails is skipped with a line).
 */
export async function peerRounds(model: my.Model, data: FitRoundData, script: string, args: string[], rounds: number, text: PeerTableText): Promise<string[]> {
  const mine: number[] = [];
  const peers = new Map<string, { version: string; sps: Record<string, number[]> }>();
  const skipped: string[] = [];
  for (let r = 0; r < rounds; r++) {
    mine.push(await fitSamplesPerSecond(model, data));
    for (const python of benchPythons()) {
      const got = torchRound(python, script, args);
      if (typeof got === 'string') { if (r === 0) skipped.push(got); continue; }
      const entry = peers.get(python) ?? { version: got.version, sps: {} };
      for (const [k, v] of Object.entries(got.samplesPerSecond)) (entry.sps[k] ??= []).push(v);
      peers.set(python, entry);
    }
  }
  const info = my.backendInfo();
  const ours = median(mine);
  const lines = [
    `### ${text.title}`,
    '',
    `myelin backend ${info.backend} (${info.device}); ${text.training}; medians of ${rounds} rounds of ${data.batches} batches; samples/s (higher is better).`,
    '',
    '| side | samples/s | myelin / side |',
    '| --- | ---: | ---: |',
    `| myelin (${info.backend}) | ${ours.toFixed(0)} | 1.00x |`,
  ];
  let best = 0;
  for (const [python, entry] of peers) {
    for (const [threads, v] of Object.entries(entry.sps)) {
      const s = median(v);
      best = Math.max(best, s);
      lines.push(`| PyTorch ${entry.version} (${python}), ${threads} | ${s.toFixed(0)} | ${(ours / s).toFixed(2)}x |`);
    }
  }
  if (best > 0) lines.push('', `myelin / best PyTorch: ${(ours / best).toFixed(2)}x${text.target === undefined ? '' : ` (target ${text.target})`}`);
  for (const s of skipped) lines.push('', `skipped: ${s}`);
  return lines;
}
