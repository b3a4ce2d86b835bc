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
import * as my from '../../lib/index';
import { peerRounds } from './torch-peer-rounds';

const [BATCH, SEQ, VOCAB, EMBED, UNITS, BATCHES] = [64, 100, 20000, 64, 64, 20];
type Cell = 'lstm' | 'gru';

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

/** One cell's table: myelin and every PyTorch thread count, with the ratio to the best. */
async function runCell(cell: Cell, rounds: number): Promise<string[]> {
  my.setSeed(0);
  const model = recurrentClassifier(cell);
  model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
  const x = ids(BATCHES * BATCH, 1);
  const y = my.tensor(Array.from({ length: BATCHES * BATCH }, (_, i) => (i * 7919) % 2), [BATCHES * BATCH, 1]);
  const warm = { x: ids(3 * BATCH, 2), y: my.zeros([3 * BATCH, 1]) };
  const lines = await peerRounds(model, { x, y, warm, batch: BATCH, batches: BATCHES }, 'recurrent_bench.py', [cell, String(BATCHES), '1'], rounds, {
    title: `${cell.toUpperCase()} text classifier training: embedding ${VOCAB} x ${EMBED}, ${cell} ${UNITS}, sequence ${SEQ}, batch ${BATCH}`,
    training: 'Adam, binary cross-entropy',
    target: cell === 'lstm' ? '>= 1.5x' : undefined,
  });
  model.dispose();
  return lines;
}

/** Runs the LSTM and GRU benchmarks and prints their tables; returns the Markdown. */
export async function runRecurrentBench(rounds: number): Promise<string> {
  const text = [...await runCell('lstm', rounds), '', ...await runCell('gru', rounds)].join('\n');
  console.log(text);
  return text;
}

if (require.main === module) {
  const at = process.argv.indexOf('--rounds');
  void runRecurrentBench(at > 0 ? Number(process.argv[at + 1]) : 3);
}
