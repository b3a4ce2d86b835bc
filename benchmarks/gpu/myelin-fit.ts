/**
 * myelin's `Sequential.fit` on the GPU (what users run, as opposed to myelin-mlp.ts's hand-written loop):
 * the 784-512-512-10 and 2-10-1 workloads of workloads.ts through `fit` with the data set on the device.
 * Prints one JSON line per workload like the other GPU runners, runner 'myelin fit'.
 * Run (after `npx tsc -p tsconfig.json`): node dist/benchmarks/gpu/myelin-fit.js [cuda|cpu]
 */
import { argmax, backendInfo, greater, matmul, mul, randomNormal, setBackend, setSeed, slice, tidy, type Tensor } from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';
import { GPU_WORKLOADS } from './workloads';

async function main(): Promise<void> {
  const device = process.argv[2] === 'cpu' ? 'cpu' : 'cuda';
  setBackend(device);
  for (const w of GPU_WORKLOADS) {
    if (w.tf32 || w.spec.layers[1] === 4096) continue;
    const { layers, batch } = w.spec;
    const n = Math.floor(w.spec.samples / batch) * batch;
    setSeed(w.spec.seed);
    const x = randomNormal([n, layers[0]], { seed: w.spec.seed + 1 });
    const regression = layers[layers.length - 1] === 1;
    let y: Tensor;
    if (regression) {
      y = tidy(() => greater(mul(slice(x, [0, 0], [n, 1]), slice(x, [0, 1], [n, 1])), 0));
    } else {
      const teacher = randomNormal([layers[0], layers[layers.length - 1]], { seed: w.spec.seed + 2 });
      y = tidy(() => argmax(matmul(x, teacher), 1));
      teacher.dispose();
    }
    const build = () => {
      const m = sequential(layers.slice(1).map((units, i) => dense({
        // Hidden layers relu; the output softmax (fused into the cross-entropy on logits) or linear for regression.
        units, activation: i + 2 < layers.length ? 'relu' : regression ? 'linear' : 'softmax', ...(i === 0 ? { inputShape: [layers[0]] } : {}),
      })));
      m.compile({ optimizer: adam({ learningRate: w.spec.lr ?? 1e-3 }), loss: regression ? 'meanSquaredError' : 'sparseCategoricalCrossentropy', metrics: [] });
      return m;
    };
    const warm = build();
    await warm.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, shuffle: true, seed: 1 });
    warm.dispose();
    const model = build();
    const epochs = Math.max(1, Math.round(w.spec.steps / (n / batch)));
    const t0 = process.hrtime.bigint();
    const history = await model.fit(x, y, { epochs, batchSize: batch, verbose: 0, shuffle: true, seed: 1 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const steps = epochs * (n / batch);
    const losses = history.history.loss as number[];
    const info = backendInfo();
    console.log(JSON.stringify({
      runner: process.env.MYELIN_STEP_GRAPHS === '0' ? 'fit nograph' : 'myelin fit', name: w.name, device: info.device,
      samplesPerSecond: Math.round((steps * batch) / (ms / 1000)), stepMs: +(ms / steps).toFixed(4),
      firstLoss: losses[0], lastLoss: losses[losses.length - 1],
    }));
    model.dispose(); x.dispose(); y.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
