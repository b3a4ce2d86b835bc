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
import * as my from '../../lib/index';
import { peerRounds } from './torch-peer-rounds';

const [BATCH, SEQ, D, HEADS, FF, BATCHES] = [32, 64, 128, 4, 256, 20];

/** The encoder block as a functional model (post-norm, as PyTorch's default). */
export function encoderBlock(seq: number, d: number, heads: number, ff: number): my.Model {
  const x = my.input({ shape: [seq, d] });
  const attention = my.layers.multiHeadAttention({ numHeads: heads, keyDim: d / heads }).apply([x, x]);
  const h = my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([x, attention]));
  const f = my.layers.dense({ units: d }).apply(my.layers.dense({ units: ff, activation: 'relu' }).apply(h));
  return my.model({ inputs: x, outputs: my.layers.layerNormalization({ epsilon: 1e-5 }).apply(my.layers.add().apply([h, f])) });
}

/** Runs the benchmark and prints its table; returns the Markdown. */
export async function runTransformerBlock(rounds: number): Promise<string> {
  my.setSeed(0);
  const model = encoderBlock(SEQ, D, HEADS, FF);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  const x = my.randomNormal([BATCHES * BATCH, SEQ, D], { seed: 1 });
  const y = my.randomNormal([BATCHES * BATCH, SEQ, D], { seed: 2 });
  const warm = { x: my.randomNormal([3 * BATCH, SEQ, D], { seed: 3 }), y: my.randomNormal([3 * BATCH, SEQ, D], { seed: 4 }) };
  const lines = await peerRounds(model, { x, y, warm, batch: BATCH, batches: BATCHES }, 'transformer_block.py', [String(BATCHES), '1'], rounds, {
    title: `Transformer encoder block training, d ${D}, ${HEADS} heads, feed-forward ${FF}, sequence ${SEQ}, batch ${BATCH}`,
    training: 'Adam, MSE',
    target: '>= 1.0x',
  });
  const text = lines.join('\n');
  console.log(text);
  return text;
}

if (require.main === module) {
  const at = process.argv.indexOf('--rounds');
  void runTransformerBlock(at > 0 ? Number(process.argv[at + 1]) : 3);
}
