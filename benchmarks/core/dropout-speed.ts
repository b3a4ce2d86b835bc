/**
 * Dropout on the fast training path: samples/s of `fit` for a 64-256-256-10 MLP (ReLU, softmax + sparse
 * categorical cross-entropy, Adam, batch 128, 20,000 random rows) with and without `dropout(0.2)` after each hidden
 * layer, in one process. Both models are warmed up (their steps recorded and compiled), then timed in alternating
 * runs of `--epochs` epochs; the medians of `--runs` runs (default 7) and their ratio are printed. Issue 14's target:
 * the dropout model at >= 0.8x the samples/s of the plain one, on cpu and cuda.
 *
 * Run: npm run build:ts && node dist/benchmarks/core/dropout-speed.js [cpu|cuda] [--runs 7] [--epochs 3] [--threads N]
 */
import * as my from '../../lib/index';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

function model(withDropout: boolean): my.Sequential {
  const layers: my.layers.Layer[] = [my.layers.dense({ units: 256, activation: 'relu', inputShape: [64] })];
  if (withDropout) layers.push(my.layers.dropout({ rate: 0.2, seed: 1 }));
  layers.push(my.layers.dense({ units: 256, activation: 'relu' }));
  if (withDropout) layers.push(my.layers.dropout({ rate: 0.2, seed: 2 }));
  layers.push(my.layers.dense({ units: 10 }), my.layers.activation({ activation: 'softmax' }));
  const m = my.sequential(layers);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const device = process.argv.includes('cuda') ? 'cuda' : 'cpu';
  const runs = option('--runs', 7);
  const epochs = option('--epochs', 3);
  const threads = process.argv.includes('--threads') ? option('--threads', 1) : undefined;
  my.setBackend(device, threads === undefined ? {} : { threads });
  my.setSeed(1);
  const n = 20000;
  const x = my.randomNormal([n, 64], { seed: 1 });
  const y = my.tensor(Float32Array.from({ length: n }, (_, i) => (i * 7919) % 10), [n]);
  const models = { plain: model(false), dropout: model(true) };
  for (const m of Object.values(models)) await m.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });  // warm-up
  const rates: Record<'plain' | 'dropout', number[]> = { plain: [], dropout: [] };
  const ratios: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const name of (r % 2 === 0 ? ['plain', 'dropout'] : ['dropout', 'plain']) as Array<'plain' | 'dropout'>) {
      const t0 = process.hrtime.bigint();
      await models[name].fit(x, y, { epochs, batchSize: 128, verbose: 0 });
      rates[name].push((n * epochs) / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    ratios.push(rates.dropout[r] / rates.plain[r]);
  }
  const plain = median(rates.plain);
  const dropout = median(rates.dropout);
  console.log(`64-256-256-10, batch 128, ${n} rows, ${epochs} epochs per run, ${runs} alternating runs on ${device}` +
    `${threads === undefined ? '' : ` (${threads} threads)`}:`);
  console.log(`  without dropout: median ${plain.toFixed(0)} samples/s (${rates.plain.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  dropout(0.2) x2: median ${dropout.toFixed(0)} samples/s (${rates.dropout.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  ratio of medians ${(dropout / plain).toFixed(3)}x; median of per-run ratios ${median(ratios).toFixed(3)}x (target >= 0.8x)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
