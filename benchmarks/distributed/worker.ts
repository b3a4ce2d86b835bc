/**
 * One process of `npm run bench -- --distributed` (benchmarks/distributed/cli.ts): mnist-mlp (784-512-512-10,
 * ReLU, softmax cross-entropy, SGD) on synthetic data at batch 128 per rank, one epoch of warm-up, then
 * `steps` timed steps; rank 0 prints one JSON line { size, samplesPerSec, stepMs, allReduceMs, waitMs, reduceMs,
 * exchangeMs, strategy }: allReduceMs is the JavaScript all-reduce per step (the recorded first steps of a fit, or
 * every step where the step is not compiled); waitMs, reduceMs and exchangeMs per step of the exchange inside the
 * compiled step (native/cpu/gradient_sync.cc): the time the step waited for it after its backward pass (its
 * exposed cost), the time packing, averaging and unpacking, and the time from its first send to its last receive.
 * argv: <steps>.
 */
import * as my from '../../lib/index';
import { allReduceStats } from '../../lib/distributed/fit-sync';
import { loadCpuAddon } from '../../lib/native/loader';

const BATCH = 128;

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 40);
  const world = await my.distributed.init();
  my.setSeed(1);
  const rows = BATCH * steps;
  const x = new Float32Array(rows * 784);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  const y = Float32Array.from({ length: rows }, (_, i) => (i * 7 + world.rank) % 10);
  const xs = my.tensor(x, [rows, 784]);
  const ys = my.tensor(y, [rows]);
  const model = my.sequential([
    my.layers.dense({ units: 512, inputShape: [784], activation: 'relu' }),
    my.layers.dense({ units: 512, activation: 'relu' }),
    my.layers.dense({ units: 10 }),
  ]);
  model.compile({ optimizer: my.optimizers.sgd({ learningRate: 0.01 }), loss: my.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });  // warm-up: programs, caches
  world.barrier();
  allReduceStats(true);
  const addon = loadCpuAddon();
  addon.gradientSyncStats(true);
  const began = performance.now();
  const history = await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  world.barrier();
  const ms = performance.now() - began;
  const reduce = allReduceStats();
  const inStep = addon.gradientSyncStats(false);
  const perStep = (v: number): number => (inStep.steps > 0 ? v / inStep.steps : 0);
  if (world.rank === 0) {
    process.stdout.write(JSON.stringify({
      size: world.size, samplesPerSec: (rows * world.size) / (ms / 1000), stepMs: ms / steps,
      allReduceMs: reduce.allReduceCalls > 0 ? reduce.allReduceMs / reduce.allReduceCalls : 0, strategy: history.params.strategy,
      waitMs: perStep(inStep.waitMs), reduceMs: perStep(inStep.reduceMs), exchangeMs: perStep(inStep.exchangeMs), syncedSteps: inStep.steps,
    }) + '\n');
  }
  world.finalize();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  process.exit(1);
});
