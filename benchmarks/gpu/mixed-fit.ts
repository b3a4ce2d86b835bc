/**
 * Mixed precision on the GPU (issue 21): the wide MLP 1024-4096-4096-1024, batch 1024, trained with
 * `Sequential.fit` in float32, TF32 and mixed_bfloat16 (and mixed_float16 with its loss scaling), each its own fit
 * in this one process on the same device, the data set on the device. Prints one JSON line per precision, runner
 * 'myelin fit <precision>', as the other GPU runners; benchmarks/gpu/torch_mlp.py prints PyTorch's float32, TF32
 * and bf16 autocast lines of the same workload, and summary.js tables them together.
 * Run (after `npx tsc -p tsconfig.json`): node dist/benchmarks/gpu/mixed-fit.js [cuda|cpu] [--small]
 * (`cpu --small`: a 64-256-256-16 version, to check the runner where there is no GPU).
 */
import { argmax, backendInfo, matmul, randomNormal, setBackend, setSeed, tidy, type Tensor } from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';
import { getGlobalPolicy, setGlobalPolicy, type PolicyName } from '../../lib/mixed-precision/policy';
import { MIXED_PRECISION_WORKLOAD } from './workloads';

/**
 * The precisions timed, float32 first (the baseline), each named as the torch_mlp.py line it compares with (the
 * summary joins lines by name): float32, TF32, bf16 autocast; mixed_float16 has no PyTorch line.
 */
const WIDE = 'mlp 1024-4096-4096-1024, batch 1024';
const PRECISIONS: Array<{ label: string; policy: PolicyName; tf32: boolean; name: string }> = [
  { label: 'float32', policy: 'float32', tf32: false, name: `${WIDE}, float32` },
  { label: 'TF32', policy: 'float32', tf32: true, name: `${WIDE}, TF32` },
  { label: 'bf16', policy: 'mixed_bfloat16', tf32: false, name: `${WIDE}, bf16 autocast` },
  { label: 'fp16', policy: 'mixed_float16', tf32: false, name: `${WIDE}, mixed_float16 (loss scaling)` },
];

async function main(): Promise<void> {
  const device = process.argv[2] === 'cpu' ? 'cpu' : 'cuda';
  const small = process.argv.includes('--small');
  const spec = small ? { ...MIXED_PRECISION_WORKLOAD.spec, layers: [64, 256, 256, 16], batch: 128, samples: 128 * 8, steps: 16 } : MIXED_PRECISION_WORKLOAD.spec;
  const { layers, batch } = spec;
  const n = Math.floor(spec.samples / batch) * batch;
  for (const p of PRECISIONS) {
    setBackend(device, device === 'cuda' ? { tf32: p.tf32 } : {});
    if (device === 'cpu' && p.tf32) continue;  // TF32 is a GPU mode
    setGlobalPolicy(p.policy);
    setSeed(spec.seed);
    const x = randomNormal([n, layers[0]], { seed: spec.seed + 1 });
    const teacher = randomNormal([layers[0], layers[layers.length - 1]], { seed: spec.seed + 2 });
    const y: Tensor = tidy(() => argmax(matmul(x, teacher), 1));
    teacher.dispose();
    const build = () => {
      const m = sequential(layers.slice(1).map((units, i) => dense({
        units, activation: i + 2 < layers.length ? 'relu' : 'softmax', ...(i === 0 ? { inputShape: [layers[0]] } : {}),
      })));
      m.compile({ optimizer: adam({ learningRate: spec.lr ?? 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: [] });
      return m;
    };
    const warm = build();
    await warm.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, shuffle: true, seed: 1 });
    warm.dispose();
    const model = build();
    const epochs = Math.max(1, Math.round(spec.steps / (n / batch)));
    const t0 = process.hrtime.bigint();
    const history = await model.fit(x, y, { epochs, batchSize: batch, verbose: 0, shuffle: true, seed: 1 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const steps = epochs * (n / batch);
    const losses = history.history.loss as number[];
    console.log(JSON.stringify({
      runner: `fit ${p.label}`, name: small ? `${p.name} [--small: ${layers.join('-')}]` : p.name, device: backendInfo().device,
      policy: getGlobalPolicy().name, strategy: history.params.strategy,
      samplesPerSecond: Math.round((steps * batch) / (ms / 1000)), stepMs: +(ms / steps).toFixed(4),
      firstLoss: losses[0], lastLoss: losses[losses.length - 1],
    }));
    model.dispose(); x.dispose(); y.dispose();
    setGlobalPolicy('float32');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
