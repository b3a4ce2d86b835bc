/**
 * Recurrent text classifiers training on the cpu backend against PyTorch CPU: samples per second of fit (Adam,
 * lr 1e-3, binary cross-entropy, batch 64, no shuffle) for ids [64, 100] -> embedding 20000 x 64 -> lstm or gru
 * (64 units, last output) -> dense 1 sigmoid, against nn.Embedding -> nn.LSTM / nn.GRU (batch_first) -> nn.Linear
 * with BCEWithLogits in each Python (benchmarks/python/recurrent_bench.py, 1 and 2 threads; the best is the peer).
 * Rounds alternate myelin and each Python; each figure is the median over rounds.
 *
 * Run: npm run bench -- --recurrent [--reps=N]   (or: node dist/benchmarks/core/recurrent.js)
 * Pythons: /usr/bin/python3 (Debian's PyTorch 1.13) and MYELIN_BENCH_PYTHON2 (a PyTorch 2.x), each skipped with a
 * line when it cannot import torch.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../lib/index';

const [BATCH, SEQ, VOCAB, EMBED, UNITS, BATCHES] = [64, 100, 20000, 64, 64, 20];
type Cell = 'lstm' | 'gru';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The classifier of the issue: embedding, one recurrent layer, a sigmoid unit. */
export function recurrentClassifier(cell: Cell): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputShape: [SEQ] }),
    cell === 'lstm' ? my.layers.lstm({ units: UNITS }) : my.layers.gru({ units: UNITS }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
}

function ids(n: number, seed: number): my.Tensor {
  let s = seed;
  const out = new Float32Array(n * SEQ);
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = 1 + (s % (VOCAB - 1));
  }
  return my.tensor(out, [n, SEQ]);
}

/** Training samples per second of one epoch of BATCHES batches (after a warm-up epoch of 3 batches). */
async function myelinRound(model: my.Sequential, x: my.Tensor, y: my.Tensor, warm: { x: my.Tensor; y: my.Tensor }): Promise<number> {
  await model.fit(warm.x, warm.y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const t0 = process.hrtime.bigint();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  return (BATCHES * BATCH) / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function torchRound(python: string, cell: Cell): { version: string; samplesPerSecond: Record<string, number> } | string {
  const script = path.join(__dirname, '..', '..', '..', 'benchmarks', 'python', 'recurrent_bench.py');
  try {
    return JSON.parse(execFileSync(python, [script, cell, String(BATCHES), '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    return `${python}: ${(err as Error).message.split('\n').slice(-2).join(' ').trim()}`;
  }
}

/** One cell's table: myelin and every PyTorch thread count, with the ratio to the best. */
async function runCell(cell: Cell, rounds: number, pythons: string[]): Promise<string[]> {
  my.setSeed(0);
  const model = recurrentClassifier(cell);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
  const x = ids(BATCHES * BATCH, 1);
  const y = my.tensor(Array.from({ length: BATCHES * BATCH }, (_, i) => (i * 7919) % 2), [BATCHES * BATCH, 1]);
  const warm = { x: ids(3 * BATCH, 2), y: my.zeros([3 * BATCH, 1]) };
  const mine: number[] = [];
  const peers = new Map<string, { version: string; sps: Record<string, number[]> }>();
  const skipped: string[] = [];
  for (let r = 0; r < rounds; r++) {
    mine.push(await myelinRound(model, x, y, warm));
    for (const python of pythons) {
      const got = torchRound(python, cell);
      if (typeof got === 'string') { if (r === 0) skipped.push(got); continue; }
      const entry = peers.get(python) ?? { version: got.version, sps: {} };
      for (const [k, v] of Object.entries(got.samplesPerSecond)) (entry.sps[k] ??= []).push(v);
      peers.set(python, entry);
    }
  }
  const info = my.backendInfo();
  const ours = median(mine);
  const lines = [
    `### ${cell.toUpperCase()} text classifier training: embedding ${VOCAB} x ${EMBED}, ${cell} ${UNITS}, sequence ${SEQ}, batch ${BATCH}`,
    '',
    `myelin backend ${info.backend} (${info.device}); Adam, binary cross-entropy; medians of ${rounds} rounds of ${BATCHES} batches; samples/s (higher is better).`,
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
  if (best > 0) lines.push('', `myelin / best PyTorch: ${(ours / best).toFixed(2)}x${cell === 'lstm' ? ' (target >= 1.5x)' : ''}`);
  for (const s of skipped) lines.push('', `skipped: ${s}`);
  model.dispose();
  return lines;
}

/** Runs the LSTM and GRU benchmarks and prints their tables; returns the Markdown. */
export async function runRecurrentBench(rounds: number): Promise<string> {
  const pythons = ['/usr/bin/python3', process.env.MYELIN_BENCH_PYTHON2].filter((p): p is string => p !== undefined && fs.existsSync(p));
  const text = [...await runCell('lstm', rounds, pythons), '', ...await runCell('gru', rounds, pythons)].join('\n');
  console.log(text);
  return text;
}

if (require.main === module) {
  const at = process.argv.indexOf('--rounds');
  void runRecurrentBench(at > 0 ? Number(process.argv[at + 1]) : 3);
}
