/**
 * The kernels of steady-state training steps of the 784-512-512-10 workload, for a profiler: warms a model up
 * with `fit`, then brackets a short `fit` (one recorded step and `steps - 1` graph steps, as `fit` runs them) with
 * the addon's profiler switch (cudaProfilerStart / Stop), so that only those kernels are collected. Run under
 * Nsight Compute, e.g.
 *   ncu --profile-from-start off --graph-profiling node --metrics gpu__time_duration.sum --csv \
 *     node dist/benchmarks/gpu/profile-step.js > kernels.csv
 * then `node benchmarks/gpu/kernel-table.js kernels.csv` for the per-step table. Without a profiler it only
 * trains (and prints the step count).
 */
import { argmax, matmul, randomNormal, setBackend, slice, tidy } from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import type { NativeCudaAddon } from '../../lib/native/addon-types';
import { loadCudaAddon } from '../../lib/native/loader';
import { adam } from '../../lib/optimizers/adam';

async function main(): Promise<void> {
  setBackend('cuda');
  const loaded = loadCudaAddon();
  if ('reason' in loaded) throw new Error(loaded.reason);
  const addon = loaded.addon as NativeCudaAddon;
  const layers = [784, 512, 512, 10];
  const batch = 128;
  const steps = Number(process.argv[2] ?? 4);
  const x = randomNormal([batch * 16, layers[0]], { seed: 1 });
  const teacher = randomNormal([layers[0], layers[3]], { seed: 2 });
  const y = tidy(() => argmax(matmul(x, teacher), 1));
  teacher.dispose();
  const model = sequential([
    dense({ units: layers[1], activation: 'relu', inputShape: [layers[0]] }),
    dense({ units: layers[2], activation: 'relu' }),
    dense({ units: layers[3], activation: 'softmax' }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 2, batchSize: batch, verbose: 0 });
  const head = slice(x, 0, batch * steps);
  const headY = slice(y, 0, batch * steps);
  addon.profiler(true);
  await model.fit(head, headY, { epochs: 1, batchSize: batch, verbose: 0, shuffle: false });
  addon.profiler(false);
  console.error(`profiled one fit of ${steps} steps (batch ${batch}, ${layers.join('-')})`);
  model.dispose();
  for (const t of [x, y, head, headY]) t.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
