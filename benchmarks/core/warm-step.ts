/**
 * Warm training step of the 2-10-1 network (ReLU, sigmoid + binary cross-entropy, Adam, batch 32, 1000 rows):
 * microseconds per step of `fit` once its programs exist, measured over 400 epochs (12,800 steps) after a 50-epoch
 * warm-up, in one process. The bench's `tiny` workload times a fresh process instead, where the first recorded
 * steps dominate; this figure is the native step itself. Each round is its own process; the median is printed.
 *
 * Run: npm run build:ts && node dist/benchmarks/core/warm-step.js [--rounds 5] [cpu|cuda]
 */
import { execFileSync } from 'child_process';
import * as my from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';

async function oneRound(device: 'cpu' | 'cuda'): Promise<number> {
  my.setBackend(device);
  const n = 1000;
  const x = my.randomNormal([n, 2], { seed: 1 });
  const y = my.tensor(Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)), [n, 1]);
  const model = sequential([dense({ units: 10, activation: 'relu', inputShape: [2] }), dense({ units: 1, activation: 'sigmoid' })]);
  model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
  await model.fit(x, y, { epochs: 50, batchSize: 32, verbose: 0 });
  const epochs = 400;
  const t0 = process.hrtime.bigint();
  await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  return us / (epochs * Math.ceil(n / 32));
}

async function main(): Promise<void> {
  const device = process.argv.includes('cuda') ? 'cuda' : 'cpu';
  if (process.argv.includes('--one')) {
    console.log((await oneRound(device)).toFixed(4));
    return;
  }
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    times.push(Number(execFileSync(process.execPath, [__filename, '--one', device], { encoding: 'utf8' }).trim()));
  }
  times.sort((a, b) => a - b);
  console.log(`2-10-1 warm fit step on ${device}: median ${times[Math.floor(times.length / 2)].toFixed(3)} us/step over ${rounds} processes ` +
    `(min ${times[0].toFixed(3)}, max ${times[times.length - 1].toFixed(3)})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
