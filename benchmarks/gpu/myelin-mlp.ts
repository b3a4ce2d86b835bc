/**
 * myelin on the GPU: trains each workload of workloads.ts on the cuda backend and prints one JSON line per
 * workload ({ runner, name, samplesPerSecond, stepMs, firstLoss, lastLoss }). The loss is read from the
 * device once per epoch only. Run (after `npx tsc -p tsconfig.json`): node dist/benchmarks/gpu/myelin-mlp.js
 */
import { backendInfo } from '../../lib/index';
import { trainMlp } from './mlp';
import { GPU_WORKLOADS } from './workloads';

function main(): void {
  const only = process.argv[2];
  for (const w of GPU_WORKLOADS) {
    if (only !== undefined && !w.name.includes(only)) continue;
    const where = { name: 'cuda' as const, options: { tf32: w.tf32 } };
    trainMlp({ ...w.spec, steps: w.warmupSteps }, where, w.warmupSteps); // warm-up, untimed
    const batches = Math.max(1, Math.floor(w.spec.samples / w.spec.batch));
    const run = trainMlp(w.spec, where, batches);
    const info = backendInfo();
    console.log(JSON.stringify({
      runner: 'myelin',
      name: w.name,
      device: info.device,
      gemm: info.details?.gemm,
      tf32: info.details?.tf32,
      samplesPerSecond: Math.round(run.samplesPerSecond),
      stepMs: +(run.trainMs / run.steps).toFixed(4),
      firstLoss: run.losses[0],
      lastLoss: run.losses[run.losses.length - 1],
    }));
  }
}

main();
