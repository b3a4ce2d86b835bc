/**
 * One transformer encoder block training on the cpu backend against PyTorch CPU: samples per second of fit (Adam,
 * lr 1e-3, mean squared error against a random target, batch 32, no shuffle) for x [32, 64, 128] ->
 * multiHeadAttention (4 heads, keyDim 32) -> add -> layerNormalization -> dense 256 relu -> dense 128 -> add ->
 * layerNormalization (epsilon 1e-5), built with the functional API, against nn.TransformerEncoderLayer(128, 4, 256,
 * dropout 0, relu, batch_first=True, norm_first=False) in each Python (benchmarks/python/transformer_block.py, 1 and
 * 2 threads; the best is the peer). Rounds alternate myelin and each Python; each figure is the median over rounds.
 *
 * Run: npm run bench -- --transformer [--reps=N]   (or: node dist/benchmarks/core/transformer-block.js)
 * Pythons: /usr/bin/python3 (Debian's PyTorch 1.13) and MYELIN_BENCH_PYTHON2 (a PyTorch 2.x), each skipped with a
 * line when it cannot import torch.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../lib/index';

const [BATCH, SEQ, D, HEADS, FF, BATCHES] = [32, 64, 128, 4, 256, 20];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The encoder block as a functional model (post-norm, as PyTorch's default). */
export function encoderBlock(seq: number, d: number, heads: number, ff: number): my.Model {
  const x = my.input({ shape: [seq, d] });
  const attention = my.layers.multiHeadAttention({ numHeads: heads, keyDim: d / heads }).apply([x, x]);
  const h = my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([x, attention]));
  const f = my.layers.dense({ units: d }).apply(my.layers.dense({ units: ff, activation: 'relu' }).apply(h));
  return my.model({ inputs: x, outputs: my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([h, f])) });
}

/** Training samples per second of one epoch of BATCHES batches (after a warm-up epoch of 3 batches). */
async function myelinRound(model: my.Model, x: my.Tensor, y: my.Tensor, warm: { x: my.Tensor; y: my.Tensor }): Promise<number> {
  await model.fit(warm.x, warm.y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const t0 = process.hrtime.bigint();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  return (BATCHES * BATCH) / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function torchRound(python: string): { version: string; samplesPerSecond: Record<string, number> } | string {
  const script = path.join(__dirname, '..', '..', '..', 'benchmarks', 'python', 'transformer_block.py');
  try {
    return JSON.parse(execFileSync(python, [script, String(BATCHES), '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    return `${python}: ${(err as Error).message.split('\n').slice(-2).join(' ').trim()}`;
  }
}

/** Runs the benchmark and prints its table; returns the Markdown. */
export async function runTransformerBlock(rounds: number): Promise<string> {
  const pythons = ['/usr/bin/python3', process.env.MYELIN_BENCH_PYTHON2].filter((p): p is string => p !== undefined && fs.existsSync(p));
  my.setSeed(0);
  const model = encoderBlock(SEQ, D, HEADS, FF);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  const x = my.randomNormal([BATCHES * BATCH, SEQ, D], { seed: 1 });
  const y = my.randomNormal([BATCHES * BATCH, SEQ, D], { seed: 2 });
  const warm = { x: my.randomNormal([3 * BATCH, SEQ, D], { seed: 3 }), y: my.randomNormal([3 * BATCH, SEQ, D], { seed: 4 }) };
  const mine: number[] = [];
  const peers = new Map<string, { version: string; sps: Record<string, number[]> }>();
  const skipped: string[] = [];
  for (let r = 0; r < rounds; r++) {
    mine.push(await myelinRound(model, x, y, warm));
    for (const python of pythons) {
      const got = torchRound(python);
      if (typeof got === 'string') { if (r === 0) skipped.push(got); continue; }
      const entry = peers.get(python) ?? { version: got.version, sps: {} };
      for (const [k, v] of Object.entries(got.samplesPerSecond)) (entry.sps[k] ??= []).push(v);
      peers.set(python, entry);
    }
  }
  const info = my.backendInfo();
  const ours = median(mine);
  const lines = [
    `### Transformer encoder block training, d ${D}, ${HEADS} heads, feed-forward ${FF}, sequence ${SEQ}, batch ${BATCH}`,
    '',
    `myelin backend ${info.backend} (${info.device}); Adam, MSE; medians of ${rounds} rounds of ${BATCHES} batches; samples/s (higher is better).`,
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
  if (best > 0) lines.push('', `myelin / best PyTorch: ${(ours / best).toFixed(2)}x (target >= 1.0x)`);
  for (const s of skipped) lines.push('', `skipped: ${s}`);
  const text = lines.join('\n');
  console.log(text);
  return text;
}

if (require.main === module) {
  const at = process.argv.indexOf('--rounds');
  void runTransformerBlock(at > 0 ? Number(process.argv[at + 1]) : 3);
}
